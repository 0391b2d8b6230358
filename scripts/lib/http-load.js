// Node clients that put a known load on a server for memory measurements: keep-alive connections
// left open after one request, WebSockets left open, and a bounded flood of mixed requests.
'use strict';

const net = require('net');

/** Reads one HTTP response (head + Content-Length body) from a socket; resolves with its status. */
function readResponse(socket, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('no complete response within ' + timeoutMs + ' ms')), timeoutMs);
    function finish(err, value) {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      if (err) reject(err);
      else resolve(value);
    }
    function onData(chunk) {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.slice(0, end).toString('latin1');
      const status = Number(head.split(' ')[1]);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const length = m ? Number(m[1]) : 0;
      if (buffer.length >= end + 4 + length) finish(null, { status, head });
    }
    function onClose() {
      finish(new Error('connection closed before the response was complete'));
    }
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

function connect(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Opens `count` connections, each sending one keep-alive GET and reading its answer; left open. */
async function openKeepAlive(host, port, count, requestPath) {
  const sockets = [];
  const statuses = [];
  for (let i = 0; i < count; i++) {
    const socket = await connect(host, port);
    sockets.push(socket);
    const answer = readResponse(socket, 5000);
    socket.write('GET ' + requestPath + ' HTTP/1.1\r\nHost: ' + host + '\r\nConnection: keep-alive\r\n\r\n');
    statuses.push((await answer).status);
  }
  return { sockets, statuses };
}

/** Opens `count` plain TCP connections that send nothing. */
async function openSilent(host, port, count) {
  const sockets = [];
  for (let i = 0; i < count; i++) sockets.push(await connect(host, port));
  return sockets;
}

/** Opens `count` WebSockets (the ws package) on `path`; each sends one message and waits for the echo. */
async function openWebSockets(host, port, count, path) {
  const WebSocket = require('ws');
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket('ws://' + host + ':' + port + path);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('WebSocket ' + (i + 1) + ' did not open')), 5000);
      ws.once('open', () => { clearTimeout(timer); resolve(); });
      ws.once('error', (e) => { clearTimeout(timer); reject(e); });
      ws.once('unexpected-response', (req, res) => { clearTimeout(timer); reject(new Error('WebSocket ' + (i + 1) + ' refused: HTTP ' + res.statusCode)); });
    });
    ws.on('error', () => {});
    await new Promise((resolve) => {
      ws.once('message', resolve);
      ws.send('hello ' + i);
      setTimeout(resolve, 2000);
    });
    sockets.push(ws);
  }
  return sockets;
}

function closeAll(sockets) {
  return Promise.all(sockets.map((s) => new Promise((resolve) => {
    if (typeof s.terminate === 'function') {
      s.once('close', resolve);
      s.close();
      setTimeout(() => { s.terminate(); resolve(); }, 1000);
    } else {
      s.once('close', resolve);
      s.end();
      setTimeout(() => { s.destroy(); resolve(); }, 1000);
    }
  })));
}

/** The mix the flood sends: routes, static files from Storage, a form POST, redirects, not found. */
function demoRequest(i) {
  switch (i % 8) {
    case 0: return { method: 'GET', path: '/api/args/' + i + '/name?page=' + (i % 7) };
    case 1: return { method: 'GET', path: '/style.css' };
    case 2: return { method: 'POST', path: '/test-post', body: 'firstname=Ann&lastname=N' + i, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    case 3: return { method: 'GET', path: '/index.html' };
    case 4: return { method: 'HEAD', path: '/favicon.ico' };
    case 5: return { method: 'GET', path: '/test-redir' };
    case 6: return { method: 'GET', path: '/test-post' };
    default: return { method: 'GET', path: '/no/such/file' + i };
  }
}

/**
 * Sends `total` requests over `connections` keep-alive connections (undici), stopping at
 * `timeLimitMs`. Resolves with { sent, ok, statuses, errors, ms }.
 */
async function flood(origin, total, options) {
  const { Pool } = require('undici');
  const connections = options.connections || 4;
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 1000, headersTimeout: 10000, bodyTimeout: 10000 });
  const statuses = {};
  let next = 0;
  let errors = 0;
  const firstErrors = [];
  const started = Date.now();
  const deadline = started + (options.timeLimitMs || 600000);
  async function worker() {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const req = demoRequest(i);
      try {
        const res = await pool.request({ method: req.method, path: req.path, body: req.body, headers: req.headers });
        await res.body.dump();
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
      } catch (e) {
        errors++;
        if (firstErrors.length < 3) firstErrors.push(req.method + ' ' + req.path + ': ' + e.message);
      }
      if (options.onProgress && i % 1000 === 999) options.onProgress(i + 1);
    }
  }
  const workers = [];
  for (let w = 0; w < connections; w++) workers.push(worker());
  await Promise.all(workers);
  await pool.close();
  const ok = Object.keys(statuses).reduce((n, s) => n + statuses[s], 0);
  return { sent: next, ok, statuses, errors, firstErrors, ms: Date.now() - started };
}

module.exports = { openKeepAlive, openSilent, openWebSockets, closeAll, flood, demoRequest, readResponse };
