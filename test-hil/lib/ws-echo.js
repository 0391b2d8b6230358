// WebSocket helpers for the suite, on the `ws` client: open, exchange messages, close cleanly (so
// the board frees the connection before the memory check).
'use strict';

const WebSocket = require('ws');

/** Opens a WebSocket; resolves once open. */
function open(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: timeoutMs || 5000 });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (request, response) => reject(new Error('WebSocket refused with ' + response.statusCode)));
  });
}

/** Resolves with the next message: {data: Buffer, isBinary}. */
function nextMessage(socket, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no WebSocket message within ' + (timeoutMs || 5000) + ' ms')), timeoutMs || 5000);
    socket.once('message', (data, isBinary) => {
      clearTimeout(timer);
      resolve({ data: Buffer.isBuffer(data) ? data : Buffer.from(data), isBinary });
    });
  });
}

/** Closes with `code` and resolves with the code the server closed with. */
function close(socket, code, timeoutMs) {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve(null);
    const timer = setTimeout(() => {
      socket.terminate();
      resolve(null);
    }, timeoutMs || 5000);
    socket.once('close', (closeCode) => {
      clearTimeout(timer);
      resolve(closeCode);
    });
    socket.close(code || 1000);
  });
}

/** Open, send one text message, read the echo, close. */
async function echoOnce(url, text) {
  const socket = await open(url);
  try {
    const reply = nextMessage(socket);
    socket.send(text);
    return (await reply).data.toString();
  } finally {
    await close(socket);
  }
}

module.exports = { open, nextMessage, close, echoOnce };
