// Raw HTTP over a plain socket, for what real clients refuse to send (malformed requests, split
// writes, pipelining) and to read responses byte for byte.
'use strict';

const net = require('net');

/**
 * Sends `parts` (strings or Buffers, written with `gapMs` between them), then collects everything
 * until the server closes or `idleMs` passes without data. Resolves { data: Buffer, closed: boolean }.
 */
function exchange(port, parts, { gapMs = 0, idleMs = 400, endAfterWrite = false } = {}) {
  if (!Array.isArray(parts)) parts = [parts];
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let idleTimer = null;
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(idleTimer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish(false), idleMs);
    };
    socket.on('data', (d) => { chunks.push(d); armIdle(); });
    socket.on('close', () => finish(true));
    socket.on('error', (e) => (chunks.length ? finish(true) : reject(e)));
    socket.on('connect', async () => {
      for (let i = 0; i < parts.length; i++) {
        if (socket.destroyed) return;
        socket.write(parts[i]);
        if (gapMs && i < parts.length - 1) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (endAfterWrite) socket.end();
      armIdle();
    });
  });
}

/** Parses consecutive HTTP/1.1 responses from raw bytes (Content-Length, chunked, or bodyless). */
function parseResponses(buffer, { headRequests = 0 } = {}) {
  const responses = [];
  let offset = 0;
  while (offset < buffer.length) {
    const headEnd = buffer.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) throw new Error('incomplete response head: ' + JSON.stringify(buffer.slice(offset).toString('latin1')));
    const lines = buffer.slice(offset, headEnd).toString('latin1').split('\r\n');
    const statusLine = lines.shift();
    const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine);
    if (!m) throw new Error('bad status line: ' + statusLine);
    const headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(m[1]);
    offset = headEnd + 4;
    let body = Buffer.alloc(0);
    const bodyless = status < 200 || status === 204 || status === 304 || responses.length < headRequests;
    if (!bodyless && headers['transfer-encoding'] === 'chunked') {
      const parts = [];
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n', offset);
        if (lineEnd < 0) throw new Error('incomplete chunk size');
        const size = parseInt(buffer.slice(offset, lineEnd).toString('latin1'), 16);
        offset = lineEnd + 2;
        if (size === 0) {
          if (buffer.slice(offset, offset + 2).toString() !== '\r\n') throw new Error('missing final CRLF');
          offset += 2;
          break;
        }
        parts.push(buffer.slice(offset, offset + size));
        offset += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (!bodyless && headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = buffer.slice(offset, offset + length);
      if (body.length !== length) throw new Error(`body truncated: ${body.length} of ${length}`);
      offset += length;
    }
    responses.push({ status, reason: m[2], headers, body, text: body.toString('utf8') });
  }
  return responses;
}

/** One request, one parsed response (the first). */
async function rawRequest(port, request, options) {
  const { data, closed } = await exchange(port, request, options);
  const responses = parseResponses(data, options);
  return Object.assign(responses[0] || {}, { closed, all: responses, raw: data });
}

module.exports = { exchange, parseResponses, rawRequest };
