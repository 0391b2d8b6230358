'use strict';
// require('net') and require('tls') servers with Espruino's socket semantics, on Node sockets.
// The rules come from libs/network/socketserver.c (accepted sockets run through
// socketClientConnectionsIdle) and were checked against Espruino 2v29 built for Linux:
// - 'data' carries binary strings of at most 536 bytes (net->chunkSize), one piece per idle pass;
//   data that arrives before a 'data' listener exists is held and delivered once one is added
//   (the Node socket is paused meanwhile, which is the board's TCP back-pressure);
// - write() converts its argument with String(), queues it and returns false, always; it throws
//   'This socket is closed' once end() was called or the socket closed;
// - 'drain' (argument: the socket) is queued each time everything written has been handed to the
//   OS, but never after end();
// - end(data?) sends what is queued, then FIN; then 'end' and 'close'(false);
// - the peer's FIN or a reset closes the socket at once: what arrived before is delivered, unsent
//   output is dropped and reported as error {code: -8, message: 'unsent data'}, then 'end', then
//   'close'(hadError). Without unsent output there is no 'error' event;
// - 'end' is only ever queued right before 'close'; 'close' comes exactly once;
// - server.close() stops accepting and leaves open sockets alone.
// Shim-only: sockets carry remoteAddress/remotePort (non-enumerable; the Linux build has neither),
// and tls.createServer exists (stock firmware has no TLS server).
const nodeNet = require('node:net');
const nodeTls = require('node:tls');
const vm = require('node:vm');
const { stringToBytes, bytesToString } = require('./binary');
const { hasListeners } = require('./events');

/** Espruino's receive/send chunk size (net->chunkSize on Linux, ESP32 and WIZnet). */
const CHUNK_SIZE = 536;
/** Bytes held for the script before the Node socket is paused (about four idle passes' worth). */
const RECEIVE_HIGH_WATER = 4 * CHUNK_SIZE;

const SOCKET_ERR_CLOSED = -1;
const SOCKET_ERR_UNSENT_DATA = -8;
const SOCKET_ERROR_MESSAGES = {
  '-1': 'connection closed', '-2': 'out of memory', '-3': 'timeout', '-4': 'no route', '-5': 'busy',
  '-6': 'not found', '-7': 'max sockets', '-8': 'unsent data', '-9': 'connection reset', '-10': 'unknown error',
  '-11': 'no connection', '-12': 'bad argument', '-13': 'SSL handshake failed', '-14': 'invalid SSL data',
};

/** Espruino's error code for a Node socket error (the Linux driver reports resets as plain closes). */
function espruinoErrorCode(error) {
  const code = error && error.code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ERR_STREAM_DESTROYED') {
    return SOCKET_ERR_CLOSED;
  }
  if (code === 'ETIMEDOUT') return -3;
  if (code === 'ENOMEM' || code === 'ENOBUFS') return -2;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return -4;
  if (typeof code === 'string' && code.indexOf('ERR_SSL') === 0) return -14;
  return -10;
}

/**
 * @param {object} options
 * @param {import('./realm').Realm} options.realm
 * @param {import('./events').EventLoop} options.loop
 * @param {string} options.host address servers bind to
 * @param {{largestWrite: number, writes: number, socketsOpen: number, serversOpen: number}} options.stats
 * @param {(error: any) => void} options.reportUncaught
 * @param {(line: string) => void} options.log
 */
function createNetworking(options) {
  const { realm, loop, host, stats, reportUncaught, log } = options;
  const { Socket, Server } = vm.runInContext(
    '(function () { function Socket() {} function Server() {} return { Socket: Socket, Server: Server }; })()',
    realm.context);
  /** @type {WeakMap<object, any>} */
  const socketStates = new WeakMap();
  /** @type {WeakMap<object, any>} */
  const serverStates = new WeakMap();
  const openSockets = new Set();
  const openServers = new Set();
  /** Every Node socket until Node reports it closed, so shutdown() can wait for all handles. */
  const liveNodeSockets = new Set();
  let shutDown = false;

  function hide(target, name, value) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }

  // ---- sockets ----

  function socketState(socket) {
    const state = socketStates.get(socket);
    if (!state) throw new realm.intrinsics.TypeError('Not a Socket');
    return state;
  }

  function closeSocket(socket, state) {
    state.closed = true;
    state.closing = true;
    let error = 0;
    if (state.peerError) error = espruinoErrorCode(state.peerError);
    else if (state.peerEnded || state.nodeClosed) error = SOCKET_ERR_CLOSED;
    if (error === SOCKET_ERR_CLOSED && state.pendingWrites > 0) error = SOCKET_ERR_UNSENT_DATA;
    state.node.destroy();
    loop.removeIdler(state.idler);
    openSockets.delete(socket);
    stats.socketsOpen--;
    const hadError = error < 0 && error !== SOCKET_ERR_CLOSED;
    if (hadError) {
      loop.queueObjectCallbacks(socket, 'error', [realm.adopt({ code: error, message: SOCKET_ERROR_MESSAGES[error] })]);
    }
    loop.queueObjectCallbacks(socket, 'end', []);
    loop.queueObjectCallbacks(socket, 'close', [hadError]);
  }

  /** One idle pass for a socket: deliver one received piece, then close if it is time. */
  function idleSocket(socket, state) {
    if (state.closed) return false;
    const listening = hasListeners(socket, 'data');
    let busy = false;
    if (state.received.length && listening) {
      const piece = state.received.shift();
      state.receivedBytes -= piece.length;
      if (state.paused && state.receivedBytes < RECEIVE_HIGH_WATER && !state.nodeClosed) {
        state.paused = false;
        state.node.resume();
      }
      loop.callListeners(socket, socket['#ondata'], [piece]);
      busy = state.received.length > 0;
    }
    if (state.closed) return false;
    const peerGone = state.peerEnded || !!state.peerError || state.nodeClosed;
    if (peerGone && busy && hasListeners(socket, 'data')) return true;
    if (peerGone || state.finished) {
      closeSocket(socket, state);
      return false;
    }
    return busy;
  }

  function trackNodeSocket(node) {
    if (liveNodeSockets.has(node)) return;
    liveNodeSockets.add(node);
    node.once('close', () => liveNodeSockets.delete(node));
  }

  function acceptConnection(server, node) {
    if (shutDown) {
      node.destroy();
      return;
    }
    const socket = realm.intrinsics.Object.create(Socket.prototype);
    const state = {
      node, received: [], receivedBytes: 0, paused: false, pendingWrites: 0,
      peerEnded: false, peerError: null, nodeClosed: false, finished: false,
      closing: false, closed: false, idler: null,
    };
    state.idler = { idle: () => idleSocket(socket, state) };
    socketStates.set(socket, state);
    hide(socket, 'remoteAddress', node.remoteAddress);
    hide(socket, 'remotePort', node.remotePort);

    node.on('data', (buffer) => {
      for (let start = 0; start < buffer.length; start += CHUNK_SIZE) {
        state.received.push(bytesToString(buffer.subarray(start, start + CHUNK_SIZE)));
      }
      state.receivedBytes += buffer.length;
      if (state.receivedBytes >= RECEIVE_HIGH_WATER && !state.paused) {
        state.paused = true;
        node.pause();
      }
      loop.wake();
    });
    node.on('end', () => { state.peerEnded = true; loop.wake(); });
    node.on('error', (error) => { if (!state.peerError) state.peerError = error; loop.wake(); });
    trackNodeSocket(node);
    node.on('close', () => { state.nodeClosed = true; loop.wake(); });
    node.on('finish', () => { state.finished = true; loop.wake(); });

    openSockets.add(socket);
    stats.socketsOpen++;
    loop.addIdler(state.idler);
    loop.queueObjectCallbacks(server, 'connect', [socket]);
  }

  hide(Socket.prototype, 'write', function write(data) {
    const state = socketState(this);
    if (state.closing) throw new realm.intrinsics.Error('This socket is closed');
    if (data === undefined) return false;
    const bytes = stringToBytes(realm.intrinsics.String(data));
    if (!bytes.length) return false;
    stats.writes++;
    if (bytes.length > stats.largestWrite) stats.largestWrite = bytes.length;
    state.pendingWrites++;
    const socket = this;
    state.node.write(bytes, () => {
      state.pendingWrites--;
      if (state.pendingWrites === 0 && !state.closing) loop.queueObjectCallbacks(socket, 'drain', [socket]);
    });
    return false;
  });

  hide(Socket.prototype, 'end', function end(data) {
    const state = socketState(this);
    if (data !== undefined) this.write(data);
    if (state.closing) return;
    state.closing = true;
    state.node.end();
  });

  // ---- servers ----

  function serverState(server) {
    const state = serverStates.get(server);
    if (!state) throw new realm.intrinsics.TypeError('Not a Server');
    return state;
  }

  function makeServer(connectionListener, tlsOptions) {
    if (typeof connectionListener !== 'function') {
      log('ERROR: Expecting Callback Function but got ' + (connectionListener === null ? 'null' : typeof connectionListener));
      return undefined;
    }
    const server = realm.intrinsics.Object.create(Server.prototype);
    server['#onconnect'] = connectionListener;
    serverStates.set(server, { tlsOptions, node: null, listening: null, closed: false });
    return server;
  }

  hide(Server.prototype, 'listen', function listen(port) {
    const state = serverState(this);
    if (state.node || shutDown) return this;
    const server = this;
    const node = state.tlsOptions
      ? nodeTls.createServer(Object.assign({ allowHalfOpen: true }, state.tlsOptions))
      : nodeNet.createServer({ allowHalfOpen: true });
    state.node = node;
    node.on(state.tlsOptions ? 'secureConnection' : 'connection', (socket) => acceptConnection(server, socket));
    // Raw connections too (a TLS handshake in progress), so shutdown() can release every handle.
    node.on('connection', trackNodeSocket);
    if (state.tlsOptions) node.on('tlsClientError', () => {});
    openServers.add(server);
    stats.serversOpen++;
    state.listening = new Promise((resolve, reject) => {
      node.once('listening', () => resolve(node.address().port));
      node.once('error', (error) => {
        openServers.delete(server);
        stats.serversOpen--;
        state.closed = true;
        reportUncaught(new realm.intrinsics.InternalError('Unable to create socket'));
        reject(error);
      });
    });
    state.listening.catch(() => {});
    node.listen(Number(port) || 0, host);
    this.port = Number(port) || 0;
    return this;
  });

  hide(Server.prototype, 'close', function close() {
    const state = serverState(this);
    if (!state.node || state.closed) return;
    state.closed = true;
    openServers.delete(this);
    stats.serversOpen--;
    state.node.close();
  });

  const net = realm.makeObject();
  hide(net, 'createServer', function createServer(connectionListener) {
    return makeServer(connectionListener, null);
  });

  const tls = realm.makeObject();
  hide(tls, 'createServer', function createServer(tlsOptions, connectionListener) {
    const settings = tlsOptions || {};
    return makeServer(connectionListener, { key: settings.key, cert: settings.cert, ca: settings.ca });
  });

  return {
    net,
    tls,
    Socket,
    Server,
    /** Resolves with the bound port once `server` listens (rejects if binding failed). */
    listening(server) {
      const state = serverState(server);
      return state.listening || Promise.reject(new Error('listen() was not called'));
    },
    socketCount: () => openSockets.size,
    /** Received bytes held for scripts that have not read them yet (memory estimate). */
    bufferedBytes() {
      let total = 0;
      for (const socket of openSockets) total += socketStates.get(socket).receivedBytes;
      return total;
    },
    serverCount: () => openServers.size,
    /** Destroys every socket and closes every server; resolves when Node has released them. */
    shutdown() {
      shutDown = true;
      const waits = [];
      for (const socket of openSockets) socketStates.get(socket).closed = true;
      openSockets.clear();
      for (const node of liveNodeSockets) {
        waits.push(new Promise((resolve) => node.once('close', resolve)));
        node.destroy();
      }
      for (const server of openServers) {
        const node = serverStates.get(server).node;
        waits.push(new Promise((resolve) => node.close(() => resolve())));
      }
      openServers.clear();
      stats.socketsOpen = 0;
      stats.serversOpen = 0;
      return Promise.all(waits).then(() => undefined);
    },
  };
}

module.exports = { createNetworking, CHUNK_SIZE, SOCKET_ERROR_MESSAGES };
