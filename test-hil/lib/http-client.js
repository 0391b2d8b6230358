// A raw HTTP/1.1 client for the suite: it writes exactly the bytes a test gives (malformed requests
// included), reads every response on the connection, and always closes its socket, so no
// connection stays open on the board between tests (the memory checks count on that).
'use strict';

const net = require('net');

/**
 * Splits the bytes received on one connection into responses.
 * @param {Buffer} data
 * @param {{headRequests?: number}} [options] how many of the requests were HEAD (their responses have no body)
 * @returns {{responses: Array<{status: number, reason: string, headers: Object<string, string>, body: Buffer, text: string}>, rest: Buffer, upgraded: boolean}}
 */
function parseResponses(data, options) {
  let headLeft = (options && options.headRequests) || 0;
  const responses = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf('\r\n\r\n', offset, 'latin1');
    if (end < 0) break;
    const head = data.subarray(offset, end).toString('latin1').split('\r\n');
    const statusLine = /^HTTP\/\d\.\d (\d{3}) ?(.*)$/.exec(head[0]);
    if (!statusLine) throw new Error('not an HTTP response: ' + JSON.stringify(head[0]));
    const headers = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine[1]);
    let bodyStart = end + 4;
    let body;
    if (status === 101) {
      responses.push(makeResponse(status, statusLine[2], headers, Buffer.alloc(0)));
      return { responses, rest: data.subarray(bodyStart), upgraded: true };
    }
    const noBody = (status >= 100 && status < 200) || status === 204 || status === 304 || (status >= 200 && headLeft > 0);
    if (status >= 200 && headLeft > 0) headLeft--;
    if (noBody) {
      body = Buffer.alloc(0);
    } else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
      const decoded = decodeChunked(data, bodyStart);
      if (!decoded) break;
      body = decoded.body;
      bodyStart = decoded.end;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (data.length < bodyStart + length) break;
      body = data.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    } else {
      body = data.subarray(bodyStart);
      bodyStart = data.length;
    }
    responses.push(makeResponse(status, statusLine[2], headers, body));
    offset = bodyStart;
  }
  return { responses, rest: data.subarray(offset), upgraded: false };
}

function makeResponse(status, reason, headers, body) {
  return { status, reason, headers, body, text: body.toString('utf8') };
}

/** A chunked body starting at `start`: its bytes and where it ends, or null while incomplete. */
function decodeChunked(data, start) {
  const pieces = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return null;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size >= 0)) throw new Error('bad chunk size line at byte ' + at);
    at = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = data.indexOf('\r\n\r\n', at - 2, 'latin1');
      if (trailerEnd < 0) return null;
      return { body: Buffer.concat(pieces), end: trailerEnd + 4 };
    }
    if (data.length < at + size + 2) return null;
    pieces.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

/**
 * Sends `parts` on a new connection (with `gapMs` between them) and reads until `expect` responses
 * arrived and, with `waitClose`, the server closed; or the server closed; or `timeoutMs` passed.
 * @param {{host: string, port: number}} target
 * @param {string|Buffer|Array<string|Buffer>} parts
 * @param {{expect?: number, gapMs?: number, timeoutMs?: number, waitClose?: number, headRequests?: number}} [options]
 *   waitClose: ms to wait, after the responses, for the server to close (0: close ourselves at once)
 * @returns {Promise<{responses: object[], closed: boolean, data: Buffer, elapsedMs: number}>}
 */
function exchange(target, parts, options) {
  const settings = Object.assign({ expect: 1, gapMs: 0, timeoutMs: 10000, waitClose: 0 }, options || {});
  const list = Array.isArray(parts) ? parts : [parts];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(target.port, target.host);
    const received = [];
    let closed = false;
    let finished = false;
    let closeTimer = null;
    const finish = (error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(closeTimer);
      socket.destroy();
      if (error) return reject(error);
      const data = Buffer.concat(received);
      let parsed;
      try {
        parsed = parseResponses(data, settings);
      } catch (parseError) {
        return reject(parseError);
      }
      resolve({ responses: parsed.responses, closed, data, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(), settings.timeoutMs);
    const check = () => {
      if (closeTimer) return;
      const count = parseResponses(Buffer.concat(received), settings).responses.length;
      if (count >= settings.expect) {
        if (settings.waitClose > 0) closeTimer = setTimeout(() => finish(), settings.waitClose);
        else finish();
      }
    };
    socket.on('data', (chunk) => {
      received.push(chunk);
      try {
        check();
      } catch (error) {
        finish(error);
      }
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
        closed = true;
        finish();
      } else {
        finish(error);
      }
    });
    socket.on('connect', async () => {
      for (let i = 0; i < list.length && !finished; i++) {
        if (i > 0 && settings.gapMs) await new Promise((r) => setTimeout(r, settings.gapMs));
        if (!finished) socket.write(typeof list[i] === 'string' ? Buffer.from(list[i], 'latin1') : list[i]);
      }
    });
  });
}

/** One request, one response, on its own connection. Rejects when no complete response came back. */
async function request(target, raw, options) {
  const result = await exchange(target, raw, options);
  if (result.responses.length === 0) {
    throw new Error('no complete response (' + result.data.length + ' bytes' + (result.closed ? ', closed' : '') + '): ' +
      JSON.stringify(result.data.toString('latin1').slice(0, 200)));
  }
  return Object.assign({ closed: result.closed }, result.responses[0]);
}

/** A request with the headers every test needs; the connection closes after the response. */
function simple(method, path, options) {
  const settings = options || {};
  const headers = Object.assign({ Host: 'hil' }, settings.headers || {});
  if (settings.body !== undefined) headers['Content-Length'] = Buffer.byteLength(settings.body);
  if (!settings.keepAlive) headers.Connection = 'close';
  let text = method + ' ' + path + ' HTTP/1.1\r\n';
  for (const name of Object.keys(headers)) text += name + ': ' + headers[name] + '\r\n';
  return text + '\r\n' + (settings.body || '');
}

module.exports = { parseResponses, exchange, request, simple };
