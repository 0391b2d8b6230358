// The WebSockets module end to end: the built bundles on the Node shim, the `ws` client for what a
// real peer does, and raw sockets (frames built here, independently of src/) for what real clients
// refuse to send: unmasked frames, RSV bits, invalid UTF-8, lying lengths, one byte per TCP write.
'use strict';

const assert = require('assert');
const { opensslAvailable, makeCertificateDir } = require('./helpers/tls');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const WebSocket = require('ws');
const { startApp } = require('./helpers/app');
const { rawRequest } = require('./helpers/raw');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { CONT: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 };

// ---- The app under test ----

/**
 * An echo app like the demo's, plus commands (text starting with '!') that make the server send
 * what a test needs, and a global `state` the tests read with ctx.run.
 */
function wsApp({ config = 'mws2.SetEmbeddedConfig();', module = '', accepted = '', ssl = '' } = {}) {
  return `
    var MicroWebSrv2 = lib.MicroWebSrv2;
    var wsMod = MicroWebSrv2.LoadModule('WebSockets');
    var state = { accepted: 0, closed: 0, closedTwice: 0, binary: [], offered: null, paths: [] };
    var pump = { sent: 0, refused: 0, maxQueue: 0, canSend: true, timer: null };
    var lastSocket = null;
    wsMod.OnWebSocketProtocol = function (m, protocols) {
      state.offered = protocols;
      return protocols.indexOf('chat') >= 0 ? 'chat' : 'not-offered';
    };
    wsMod.OnWebSocketAccepted = function (m, ws) {
      state.accepted++;
      state.paths.push(ws.Request.Path);
      var closedCount = 0;
      ws.OnTextMessage = onText;
      ws.OnBinaryMessage = onBinary;
      ws.OnClosed = function (w) {
        closedCount++;
        state.closed++;
        if (closedCount > 1) state.closedTwice++;
        state.isClosedInCallback = w.IsClosed;
        state.sendAfterClose = w.SendTextMessage('late');
      };
      ${accepted}
    };
    ${module}
    function onText(ws, msg) {
      if (msg.charAt(0) !== '!') { ws.SendTextMessage(msg); return; }
      var colon = msg.indexOf(':');
      var cmd = colon > 0 ? msg.substring(1, colon) : msg.substring(1);
      var arg = colon > 0 ? msg.substring(colon + 1) : '';
      if (cmd === 'repeat') ws.SendTextMessage(new Array(Number(arg) + 1).join('a'));
      else if (cmd === 'bin-u8') ws.SendBinaryMessage(new Uint8Array([0, 1, 128, 255]));
      else if (cmd === 'bin-ab') ws.SendBinaryMessage(new Uint8Array([9, 8, 7, 200]).buffer);
      else if (cmd === 'close') ws.Close(Number(arg), 'server bye');
      else if (cmd === 'pump') startPump(ws, Number(arg));
      else if (cmd === 'badclose') {
        try { ws.Close(1005); ws.SendTextMessage('no throw'); } catch (e) { ws.SendTextMessage('threw'); }
      }
    }
    function onBinary(ws, msg) {
      state.binary.push({ isUint8Array: msg instanceof Uint8Array, length: msg.length });
      ws.SendBinaryMessage(msg);
    }
    // Sends as fast as the socket allows, without looking at CanSend first, so a full queue shows
    // as Send* returning false.
    function startPump(ws, size) {
      var pad = new Array(size + 1).join('p');
      pump.timer = setInterval(function () {
        for (var i = 0; i < 20; i++) {
          if (!ws.SendTextMessage(pump.sent + ' ' + pad)) { pump.refused++; break; }
          pump.sent++;
          if (ws.SendQueueBytes > pump.maxQueue) pump.maxQueue = ws.SendQueueBytes;
        }
        pump.canSend = ws.CanSend;
        pump.limit = ws.MaxSendQueueBytes;
      }, 2);
    }
    function stopPump() { clearInterval(pump.timer); }
    var mws2 = new MicroWebSrv2();
    ${config}
    mws2.BindAddress = ['127.0.0.1', PORT];
    ${ssl}
    mws2.StartManaged();
  `;
}

function state(app) {
  return JSON.parse(app.ctx.run('JSON.stringify(state)'));
}

const { sleep, waitFor } = require('./helpers/wait');

// ---- `ws` client helpers ----

function openWs(url, protocols, options) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.received = [];
    ws.on('message', (data, isBinary) => ws.received.push(isBinary ? Buffer.from(data) : data.toString('utf8')));
    ws.closeEvent = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends, then waits for the next `count` messages. */
async function roundTrip(ws, data, count = 1, timeoutMs = 3000) {
  const start = ws.received.length;
  if (data !== undefined) ws.send(data);
  await waitFor(() => ws.received.length >= start + count, timeoutMs, 'echo of ' + String(data).slice(0, 30));
  return count === 1 ? ws.received[start] : ws.received.slice(start, start + count);
}

// ---- Raw frames (built and parsed here, independently of the code under test) ----

function clientKey() {
  return crypto.randomBytes(16).toString('base64');
}

function expectedAccept(key) {
  return crypto.createHash('sha1').update(key + GUID).digest('base64');
}

/** An upgrade request; `headers` overrides the defaults (null drops one). */
function upgradeRequest(pathName = '/', headers = {}, method = 'GET') {
  const all = Object.assign({
    Host: 'localhost', Upgrade: 'websocket', Connection: 'Upgrade',
    'Sec-WebSocket-Key': clientKey(), 'Sec-WebSocket-Version': '13',
  }, headers);
  let text = `${method} ${pathName} HTTP/1.1\r\n`;
  for (const name of Object.keys(all)) if (all[name] !== null) text += `${name}: ${all[name]}\r\n`;
  return text + '\r\n';
}

/** One frame; masked unless told otherwise (a client must mask). */
function frame(opcode, payload = Buffer.alloc(0), { fin = true, mask = true, rsv = 0, length } = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  const len = length === undefined ? data.length : length;
  const parts = [Buffer.from([(fin ? 0x80 : 0) | (rsv << 4) | opcode])];
  const maskBit = mask ? 0x80 : 0;
  if (len < 126) {
    parts.push(Buffer.from([maskBit | len]));
  } else if (len < 65536) {
    parts.push(Buffer.from([maskBit | 126, len >> 8, len & 0xff]));
  } else {
    const ext = Buffer.alloc(9);
    ext[0] = maskBit | 127;
    ext.writeBigUInt64BE(BigInt(len), 1);
    parts.push(ext);
  }
  if (mask) {
    const key = crypto.randomBytes(4);
    const masked = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i++) masked[i] = data[i] ^ key[i & 3];
    parts.push(key, masked);
  } else {
    parts.push(data);
  }
  return Buffer.concat(parts);
}

function closeBody(code, reason = '') {
  const body = Buffer.alloc(2);
  body.writeUInt16BE(code, 0);
  return Buffer.concat([body, Buffer.from(reason, 'utf8')]);
}

/** Server frames from `buffer`: { frames, rest }. Each frame keeps its raw header bytes. */
function parseFrames(buffer) {
  const frames = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const b0 = buffer[offset], b1 = buffer[offset + 1];
    let len = b1 & 0x7f;
    let headerLength = 2;
    if (len === 126) {
      if (buffer.length - offset < 4) break;
      len = buffer.readUInt16BE(offset + 2);
      headerLength = 4;
    } else if (len === 127) {
      if (buffer.length - offset < 10) break;
      len = Number(buffer.readBigUInt64BE(offset + 2));
      headerLength = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked) headerLength += 4;
    if (buffer.length - offset < headerLength + len) break;
    const payload = buffer.subarray(offset + headerLength, offset + headerLength + len);
    frames.push({
      fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked, payload: Buffer.from(payload),
      header: Buffer.from(buffer.subarray(offset, offset + headerLength)),
      closeCode: (b0 & 0x0f) === OP.CLOSE && len >= 2 ? payload.readUInt16BE(0) : null,
    });
    offset += headerLength + len;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** A WebSocket client on a plain socket: sends what a test builds, records every server frame. */
class RawWs {
  static connect(port, { request = upgradeRequest(), bytewise = false } = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      const raw = new RawWs(socket);
      let head = Buffer.alloc(0);
      const onData = (d) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.removeListener('data', onData);
        raw.response = head.subarray(0, end).toString('latin1');
        raw.status = Number(raw.response.split(' ')[1]);
        raw.listen(head.subarray(end + 4));
        resolve(raw);
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.on('connect', () => (bytewise ? raw.writeBytewise(Buffer.from(request, 'latin1')) : socket.write(request)));
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.frames = [];
    this.ended = new Promise((resolve) => socket.on('close', () => resolve(true)));
    socket.on('error', () => {});
  }

  listen(initial) {
    const onData = (d) => {
      const parsed = parseFrames(Buffer.concat([this.buffer, d]));
      this.buffer = parsed.rest;
      this.frames.push(...parsed.frames);
    };
    this.socket.on('data', onData);
    if (initial.length) onData(initial);
  }

  send(bytes) {
    this.socket.write(bytes);
  }

  /** One write per byte, with a pause so the bytes travel (and arrive) as separate TCP segments. */
  async writeBytewise(bytes) {
    for (let i = 0; i < bytes.length; i++) {
      if (this.socket.destroyed) return;
      this.socket.write(bytes.subarray(i, i + 1));
      await sleep(1);
    }
  }

  async nextFrame(timeoutMs = 3000) {
    await waitFor(() => this.frames.length > 0, timeoutMs, 'a frame from the server');
    return this.frames.shift();
  }

  /** Resolves true when the server closed the TCP connection within `timeoutMs`, else false. */
  closedWithin(timeoutMs = 3000) {
    return Promise.race([this.ended, sleep(timeoutMs).then(() => false)]);
  }

  destroy() {
    this.socket.destroy();
  }
}

// ---- Tests ----

describe('WebSockets module on the shim (ws client and raw sockets)', function () {
  this.timeout(15000);
  let app;
  let url;
  before(async () => {
    app = await startApp(wsApp({ module: 'wsMod.Paths = null;' }));
    url = `ws://127.0.0.1:${app.port}`;
  });
  after(async () => { if (app) await app.close(); });

  describe('opening handshake', () => {
    it('answers 101 with the RFC 6455 accept key, Upgrade and Connection headers', async () => {
      const key = clientKey();
      const raw = await RawWs.connect(app.port, { request: upgradeRequest('/', { 'Sec-WebSocket-Key': key }) });
      try {
        assert.strictEqual(raw.status, 101);
        const head = raw.response + '\r\n';
        assert.match(head, new RegExp(`\r\nSec-WebSocket-Accept: ${expectedAccept(key).replace(/[+/]/g, '\\$&')}\r\n`));
        assert.match(head, /\r\nUpgrade: websocket\r\n/i);
        assert.match(head, /\r\nConnection: Upgrade\r\n/i);
        assert.doesNotMatch(raw.response, /Sec-WebSocket-Protocol/i);
        assert.doesNotMatch(raw.response, /Content-Length|Transfer-Encoding/i);
      } finally {
        raw.destroy();
      }
    });

    it('echoes the subprotocol OnWebSocketProtocol picks when the client offered it', async () => {
      const ws = await openWs(url, ['x-other', 'chat']);
      assert.strictEqual(ws.protocol, 'chat');
      assert.deepStrictEqual(state(app).offered, ['x-other', 'chat']);
      ws.close();
      await ws.closeEvent;
    });

    it('sends no subprotocol when OnWebSocketProtocol picks one the client did not offer', async () => {
      const raw = await RawWs.connect(app.port, { request: upgradeRequest('/', { 'Sec-WebSocket-Protocol': 'x-one, x-two' }) });
      try {
        assert.strictEqual(raw.status, 101);
        assert.deepStrictEqual(state(app).offered, ['x-one', 'x-two']);
        assert.doesNotMatch(raw.response, /Sec-WebSocket-Protocol/i);
      } finally {
        raw.destroy();
      }
    });

    it('accepts `Connection: keep-alive, Upgrade` (Firefox) and a lower-case `websocket` token list', async () => {
      const raw = await RawWs.connect(app.port, { request: upgradeRequest('/', { Connection: 'keep-alive, Upgrade', Upgrade: 'WebSocket' }) });
      raw.destroy();
      assert.strictEqual(raw.status, 101);
    });

    it('upgrades a keep-alive connection after an ordinary request on it', async () => {
      const socket = net.connect(app.port, '127.0.0.1');
      await new Promise((r) => socket.on('connect', r));
      const raw = new RawWs(socket);
      let head = Buffer.alloc(0);
      const got = new Promise((resolve) => socket.on('data', function onData(d) {
        head = Buffer.concat([head, d]);
        const text = head.toString('latin1');
        if (/HTTP\/1\.1 101[^]*\r\n\r\n/.test(text)) { socket.removeListener('data', onData); resolve(text); }
      }));
      socket.write('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => head.toString('latin1').includes('</html>'), 3000, 'the page');
      socket.write(upgradeRequest());
      const text = await got;
      assert.match(text, /^HTTP\/1\.1 200 /);
      raw.listen(Buffer.alloc(0));
      raw.send(frame(OP.TEXT, 'after keep-alive'));
      const echo = await raw.nextFrame();
      assert.strictEqual(echo.payload.toString(), 'after keep-alive');
      raw.destroy();
    });

    it('refuses POST with 405 and Allow: GET', async () => {
      const res = await rawRequest(app.port, upgradeRequest('/', { 'Content-Length': '0' }, 'POST'));
      assert.strictEqual(res.status, 405);
      assert.strictEqual(res.headers.allow, 'GET');
      assert.strictEqual(res.headers['sec-websocket-accept'], undefined);
    });

    it('refuses version 12 with 426 and Sec-WebSocket-Version: 13', async () => {
      const res = await rawRequest(app.port, upgradeRequest('/', { 'Sec-WebSocket-Version': '12' }));
      assert.strictEqual(res.status, 426);
      assert.strictEqual(res.headers['sec-websocket-version'], '13');
      assert.strictEqual(res.headers['sec-websocket-accept'], undefined);
    });

    it('refuses a missing Sec-WebSocket-Key with 400', async () => {
      const res = await rawRequest(app.port, upgradeRequest('/', { 'Sec-WebSocket-Key': null }));
      assert.strictEqual(res.status, 400);
    });

    it('refuses a key that is not base64 of 16 bytes with 400', async () => {
      const res = await rawRequest(app.port, upgradeRequest('/', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }));
      assert.strictEqual(res.status, 400);
    });

    it('does not treat `Connection: keep-alive, Upgrade-Insecure` as an upgrade (tokens, not substrings)', async () => {
      const before = state(app).accepted;
      const res = await rawRequest(app.port, upgradeRequest('/', { Connection: 'keep-alive, Upgrade-Insecure' }));
      assert.notStrictEqual(res.status, 101);
      assert.strictEqual(res.status, 200); // the demo site's index page: served as a plain GET
      assert.strictEqual(res.headers['sec-websocket-accept'], undefined);
      assert.strictEqual(state(app).accepted, before);
    });
  });

  describe('messages', () => {
    let ws;
    beforeEach(async () => { ws = await openWs(url + '/echo'); });
    afterEach(async () => { ws.close(); await ws.closeEvent; });

    it('echoes UTF-8 text (2-, 3- and 4-byte sequences)', async () => {
      const text = 'h\u00e9llo \u20ac \u{1F600} \u4e2d\u6587';
      assert.strictEqual(await roundTrip(ws, text), text);
    });

    it('hands OnBinaryMessage a Uint8Array and echoes the bytes', async () => {
      const bytes = Buffer.from([0, 1, 2, 0x7f, 0x80, 0xc3, 0xff]);
      const echo = await roundTrip(ws, bytes);
      assert.deepStrictEqual(echo, bytes);
      assert.deepStrictEqual(state(app).binary.pop(), { isUint8Array: true, length: 7 });
    });

    it('sends a Uint8Array as a binary message', async () => {
      assert.deepStrictEqual(await roundTrip(ws, '!bin-u8'), Buffer.from([0, 1, 128, 255]));
    });

    it('sends an ArrayBuffer as a binary message', async () => {
      assert.deepStrictEqual(await roundTrip(ws, '!bin-ab'), Buffer.from([9, 8, 7, 200]));
    });

    it('echoes empty text and empty binary messages', async () => {
      assert.strictEqual(await roundTrip(ws, ''), '');
      assert.deepStrictEqual(await roundTrip(ws, Buffer.alloc(0)), Buffer.alloc(0));
      assert.deepStrictEqual(state(app).binary.pop(), { isUint8Array: true, length: 0 });
    });

    it('reassembles a message the client sends in fragments (text split inside a UTF-8 sequence)', async () => {
      const euro = Buffer.from('\u20ac', 'utf8');
      ws.send(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 1)]), { binary: false, fin: false });
      ws.send(euro.subarray(1), { binary: false, fin: false });
      ws.send(Buffer.from('cd'), { binary: false, fin: true });
      assert.strictEqual(await roundTrip(ws, undefined), 'ab\u20accd');
    });

    it('reassembles a fragmented binary message', async () => {
      ws.send(Buffer.from([1, 2]), { binary: true, fin: false });
      ws.send(Buffer.from([3]), { binary: true, fin: false });
      ws.send(Buffer.from([4, 5]), { binary: true, fin: true });
      assert.deepStrictEqual(await roundTrip(ws, undefined), Buffer.from([1, 2, 3, 4, 5]));
    });

    for (const size of [125, 126, 65535, 65536, 70000]) {
      it(`sends a ${size}-byte message intact`, async () => {
        const echo = await roundTrip(ws, '!repeat:' + size);
        assert.strictEqual(echo.length, size);
        assert.ok(/^a*$/.test(echo));
      });
    }

    it('answers a ping with a pong carrying the same data', async () => {
      const pong = new Promise((r) => ws.once('pong', (data) => r(Buffer.from(data))));
      ws.ping(Buffer.from('ping-data-\u00ff', 'latin1'));
      assert.deepStrictEqual(await pong, Buffer.from('ping-data-\u00ff', 'latin1'));
    });
  });

  describe('frame headers sent (raw socket, byte-exact)', () => {
    let raw;
    beforeEach(async () => { raw = await RawWs.connect(app.port); });
    afterEach(() => raw.destroy());

    const cases = [
      [125, '817d'],
      [126, '817e007e'],
      [65535, '817effff'],
      [65536, '817f0000000000010000'],
      [70000, '817f0000000000011170'],
    ];
    for (const [size, header] of cases) {
      it(`frames a ${size}-byte text message with header ${header}, unmasked`, async () => {
        raw.send(frame(OP.TEXT, '!repeat:' + size));
        const f = await raw.nextFrame();
        assert.strictEqual(f.header.toString('hex'), header);
        assert.strictEqual(f.masked, false);
        assert.strictEqual(f.payload.length, size);
      });
    }

    it('answers a ping with an unmasked pong of the same payload', async () => {
      raw.send(frame(OP.PING, Buffer.from([1, 2, 3, 0xff])));
      const f = await raw.nextFrame();
      assert.strictEqual(f.header.toString('hex'), '8a04');
      assert.deepStrictEqual(f.payload, Buffer.from([1, 2, 3, 0xff]));
    });

    it('answers a ping sent between the fragments of a message, then delivers the message', async () => {
      raw.send(Buffer.concat([
        frame(OP.TEXT, 'Hel', { fin: false }),
        frame(OP.PING, 'between'),
        frame(OP.CONT, 'lo', { fin: true }),
      ]));
      const pong = await raw.nextFrame();
      assert.strictEqual(pong.opcode, OP.PONG);
      assert.strictEqual(pong.payload.toString(), 'between');
      const echo = await raw.nextFrame();
      assert.strictEqual(echo.opcode, OP.TEXT);
      assert.strictEqual(echo.payload.toString(), 'Hello');
    });

    it('reads frames and a handshake written one byte per TCP write', async () => {
      raw.destroy();
      raw = await RawWs.connect(app.port, { bytewise: true });
      assert.strictEqual(raw.status, 101);
      await raw.writeBytewise(Buffer.concat([frame(OP.TEXT, 'sl\u00f6w'), frame(OP.PING, 'p'), frame(OP.TEXT, '')]));
      const first = await raw.nextFrame();
      assert.strictEqual(first.payload.toString(), 'sl\u00f6w');
      const pong = await raw.nextFrame();
      assert.strictEqual(pong.opcode, OP.PONG);
      assert.strictEqual(pong.payload.toString(), 'p');
      const empty = await raw.nextFrame();
      assert.strictEqual(empty.opcode, OP.TEXT);
      assert.strictEqual(empty.payload.length, 0);
    });
  });

  describe('closing', () => {
    it('echoes the code of a client Close, then closes TCP, and calls OnClosed once', async () => {
      const before = state(app).closed;
      const raw = await RawWs.connect(app.port);
      raw.send(frame(OP.CLOSE, closeBody(4000, 'bye')));
      const f = await raw.nextFrame();
      assert.strictEqual(f.opcode, OP.CLOSE);
      assert.strictEqual(f.closeCode, 4000);
      assert.strictEqual(await raw.closedWithin(2000), true);
      await waitFor(() => state(app).closed === before + 1, 2000, 'OnClosed');
      await sleep(100);
      const s = state(app);
      assert.strictEqual(s.closed, before + 1);
      assert.strictEqual(s.closedTwice, 0);
      assert.strictEqual(s.isClosedInCallback, true);
      assert.strictEqual(s.sendAfterClose, false);
    });

    it('tells a ws client the code it closed with', async () => {
      const ws = await openWs(url);
      ws.close(4321, 'done');
      const { code } = await ws.closeEvent;
      assert.strictEqual(code, 4321);
    });

    it('Close(code, reason) from the server reaches the client, which the server then lets go', async () => {
      const before = state(app).closed;
      const ws = await openWs(url);
      ws.send('!close:4001');
      const { code, reason } = await ws.closeEvent;
      assert.strictEqual(code, 4001);
      assert.strictEqual(reason, 'server bye');
      await waitFor(() => state(app).closed === before + 1, 2000, 'OnClosed');
    });

    it('Close() with a code that may only be reported locally (1005) throws and leaves the socket open', async () => {
      const ws = await openWs(url);
      assert.strictEqual(await roundTrip(ws, '!badclose'), 'threw');
      assert.strictEqual(await roundTrip(ws, 'open'), 'open');
      ws.close();
      await ws.closeEvent;
    });
  });

  describe('protocol errors (raw socket)', () => {
    async function expectFailure(bytes, code) {
      const before = state(app).closed;
      const raw = await RawWs.connect(app.port);
      raw.send(bytes);
      const f = await raw.nextFrame();
      assert.strictEqual(f.opcode, OP.CLOSE);
      assert.strictEqual(f.closeCode, code);
      assert.strictEqual(await raw.closedWithin(2000), true, 'the server closes TCP');
      await waitFor(() => state(app).closed === before + 1, 2000, 'OnClosed');
      return f;
    }

    it('closes with 1002 on an unmasked client frame', () => expectFailure(frame(OP.TEXT, 'x', { mask: false }), 1002));
    it('closes with 1002 on RSV bits without an extension', () => expectFailure(frame(OP.TEXT, 'x', { rsv: 4 }), 1002));
    it('closes with 1002 on an unknown opcode', () => expectFailure(frame(3, 'x'), 1002));
    it('closes with 1002 on a continuation without a message', () => expectFailure(frame(OP.CONT, 'x'), 1002));
    it('closes with 1002 on a fragmented ping', () => expectFailure(frame(OP.PING, 'x', { fin: false }), 1002));
    it('closes with 1007 on invalid UTF-8 text', () => expectFailure(frame(OP.TEXT, Buffer.from([0x61, 0xc3, 0x28])), 1007));
    it('closes with 1007 on a UTF-16 surrogate encoded in UTF-8', () => expectFailure(frame(OP.TEXT, Buffer.from([0xed, 0xa0, 0x80])), 1007));
  });

  describe('server Stop()', () => {
    it('closes every open WebSocket and calls each OnClosed once', async () => {
      const own = await startApp(wsApp());
      try {
        const clients = [await openWs(`ws://127.0.0.1:${own.port}`), await openWs(`ws://127.0.0.1:${own.port}`)];
        assert.strictEqual(await roundTrip(clients[0], 'up'), 'up');
        own.ctx.run('mws2.Stop();');
        const events = await Promise.all(clients.map((c) => c.closeEvent));
        for (const e of events) assert.strictEqual(e.code, 1001, 'closed with ' + e.code + ' (1001 Going Away expected)');
        await sleep(100);
        const s = state(own);
        assert.strictEqual(s.closed, 2);
        assert.strictEqual(s.closedTwice, 0);
      } finally {
        await own.close();
      }
    });
  });
});

describe('WebSockets: limits and time-outs', function () {
  this.timeout(20000);

  describe('MaxRecvMessageLength', () => {
    let app;
    before(async () => { app = await startApp(wsApp({ module: 'wsMod.MaxRecvMessageLength = 1000;' })); });
    after(async () => { if (app) await app.close(); });

    it('accepts a message of exactly MaxRecvMessageLength bytes', async () => {
      const ws = await openWs(`ws://127.0.0.1:${app.port}`);
      const text = 'b'.repeat(1000);
      assert.strictEqual(await roundTrip(ws, text), text);
      ws.close();
      await ws.closeEvent;
    });

    it('closes with 1009 on a frame header announcing more, before any of its payload arrives', async () => {
      const raw = await RawWs.connect(app.port);
      // Header + mask only: the server must refuse from the announced length, not buffer and count.
      raw.send(frame(OP.BINARY, Buffer.alloc(0), { length: 1000000 }).subarray(0, 14));
      const f = await raw.nextFrame();
      assert.strictEqual(f.opcode, OP.CLOSE);
      assert.strictEqual(f.closeCode, 1009);
      assert.strictEqual(await raw.closedWithin(2000), true);
    });

    it('closes with 1009 when fragments add up to more', async () => {
      const raw = await RawWs.connect(app.port);
      raw.send(frame(OP.TEXT, 'c'.repeat(600), { fin: false }));
      raw.send(frame(OP.CONT, 'c'.repeat(600), { fin: true }));
      const f = await raw.nextFrame();
      assert.strictEqual(f.closeCode, 1009);
      assert.strictEqual(await raw.closedWithin(2000), true);
    });

    it('a ws client sending one byte too many sees 1009', async () => {
      const ws = await openWs(`ws://127.0.0.1:${app.port}`);
      ws.send('d'.repeat(1001));
      assert.strictEqual((await ws.closeEvent).code, 1009);
    });
  });

  describe('free memory', () => {
    let app;
    before(async () => { app = await startApp(wsApp()); });
    after(async () => { if (app) await app.close(); });
    afterEach(() => app.ctx.setFreeVars(null));

    it('refuses with 1009 a message the free memory cannot hold, before reading it, and keeps serving', async () => {
      const ws = await openWs(`ws://127.0.0.1:${app.port}`);
      assert.strictEqual(await roundTrip(ws, 'small'), 'small');
      // 2,000 bytes need about 7 copies of 200 variables plus MemoryReserveVars (256): more than 1,000.
      app.ctx.setFreeVars(1000);
      assert.strictEqual(await roundTrip(ws, 'short messages are not checked'), 'short messages are not checked');
      ws.send('m'.repeat(2000));
      const { code, reason } = await ws.closeEvent;
      assert.strictEqual(code, 1009);
      assert.match(reason, /free memory/);
      app.ctx.setFreeVars(null);
      const again = await openWs(`ws://127.0.0.1:${app.port}`);
      const text = 'm'.repeat(2000);
      assert.strictEqual(await roundTrip(again, text), text);
      again.close();
      await again.closeEvent;
    });
  });

  describe('back-pressure', () => {
    /** Resolves the pump's state once sends are refused and the sent count stays put for 800 ms
     *  (loopback kernel buffers take a few MB, about 2-3 s of pumping, before they are full). */
    async function waitForStalledPump(target) {
      const pump = () => JSON.parse(target.ctx.run('JSON.stringify(pump)'));
      let previous = pump();
      let stableChecks = 0;
      return waitFor(async () => {
        await sleep(400);
        const now = pump();
        const stalled = now.refused > previous.refused && now.sent === previous.sent && now.sent > 0;
        stableChecks = stalled ? stableChecks + 1 : 0;
        previous = now;
        return stableChecks >= 2 ? now : null;
      }, 15000, 'sends to stall');
    }

    let app;
    before(async () => { app = await startApp(wsApp()); });
    after(async () => { if (app) await app.close(); });

    it('refuses sends once the queue is full while the client does not read, then delivers every accepted message in order', async () => {
      const ws = await openWs(`ws://127.0.0.1:${app.port}`);
      const messageSize = 1000;
      ws._socket.pause();
      ws.send('!pump:' + messageSize);
      // Once the socket and the kernel buffers are full, nothing more is accepted: the count of sent
      // messages stops growing. A queue without a bound would keep accepting (and this would time out).
      const later = await waitForStalledPump(app);
      assert.strictEqual(later.canSend, false);
      assert.ok(later.maxQueue <= later.limit + messageSize + 20, `queue stayed bounded: ${later.maxQueue} <= ${later.limit} + message`);
      app.ctx.run('stopPump();');
      ws._socket.resume();
      await waitFor(() => ws.received.length >= later.sent, 10000, 'every accepted message');
      assert.strictEqual(ws.received.length, later.sent);
      for (let i = 0; i < ws.received.length; i++) {
        assert.strictEqual(ws.received[i].slice(0, String(i).length + 1), i + ' ');
      }
      ws.close();
      await ws.closeEvent;
    });

    it('drops a client that neither reads nor answers once it is failed (no connection held forever)', async () => {
      const own = await startApp(wsApp({ accepted: 'lastSocket = ws;' }));
      try {
        const raw = await RawWs.connect(own.port);
        raw.socket.pause();
        raw.send(frame(OP.TEXT, '!pump:1000'));
        await waitForStalledPump(own);
        own.ctx.run('stopPump(); lastSocket.PongTimeoutSec = 1; lastSocket.WaitFrameTimeoutSec = 1;');
        // With every buffer full: ping after 1 s, Close (1001) after 1 more (both stuck in the
        // queue), then dropped 1 s after that although nothing ever drains.
        await waitFor(() => state(own).closed === 1, 6000, 'OnClosed');
        // What the network still held arrives, then the end of the connection.
        raw.socket.resume();
        assert.strictEqual(await raw.closedWithin(5000), true);
        const codes = raw.frames.filter((f) => f.opcode === OP.CLOSE);
        assert.ok(codes.length <= 1);
      } finally {
        await own.close();
      }
    });
  });

  describe('idle peers', () => {
    let app;
    before(async () => {
      app = await startApp(wsApp({ module: 'wsMod.WaitFrameTimeoutSec = 1;', accepted: 'ws.PongTimeoutSec = 1;' }));
    });
    after(async () => { if (app) await app.close(); });

    it('pings an idle client and keeps it open while it answers', async () => {
      const ws = await openWs(`ws://127.0.0.1:${app.port}`);
      let pings = 0;
      ws.on('ping', () => pings++);
      await sleep(3800);
      assert.ok(pings >= 2, `pinged ${pings} times`);
      assert.strictEqual(ws.readyState, WebSocket.OPEN);
      assert.strictEqual(await roundTrip(ws, 'still here'), 'still here');
      ws.close();
      await ws.closeEvent;
    });

    it('closes a peer that does not answer the ping with 1001', async () => {
      const before = state(app).closed;
      const raw = await RawWs.connect(app.port);
      const ping = await raw.nextFrame(2500);
      assert.strictEqual(ping.opcode, OP.PING);
      assert.strictEqual(ping.masked, false);
      const close = await raw.nextFrame(2500);
      assert.strictEqual(close.opcode, OP.CLOSE);
      assert.strictEqual(close.closeCode, 1001);
      assert.strictEqual(await raw.closedWithin(2500), true);
      await waitFor(() => state(app).closed === before + 1, 2000, 'OnClosed');
    });
  });

  describe('Paths', () => {
    let app;
    before(async () => { app = await startApp(wsApp({ module: "wsMod.Paths = ['/ws', '/wschat'];" })); });
    after(async () => { if (app) await app.close(); });

    it('upgrades a listed path', async () => {
      const ws = await openWs(`ws://127.0.0.1:${app.port}/wschat`);
      assert.strictEqual(await roundTrip(ws, 'ok'), 'ok');
      ws.close();
      await ws.closeEvent;
    });

    it('leaves other paths to routes and files (no 101)', async () => {
      const before = state(app).accepted;
      const res = await rawRequest(app.port, upgradeRequest('/elsewhere'));
      assert.notStrictEqual(res.status, 101);
      assert.strictEqual(res.headers['sec-websocket-accept'], undefined);
      assert.strictEqual(state(app).accepted, before);
    });
  });

  describe('the handshake and the WebSocket, parts loaded on demand', () => {
    it('is loaded for an upgrade, held while a WebSocket is open, released once the last one closed and idle', async () => {
      const app = await startApp(wsApp({ module: 'lib.partSettings.idleMs = 200;' }));
      const loaded = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.ws-socket')");
      try {
        assert.strictEqual(loaded(), false);
        const ws = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        const second = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        assert.strictEqual(loaded(), true);
        // Far past the idle time, with both open and quiet: still held.
        await new Promise((r) => setTimeout(r, 1200));
        assert.strictEqual(loaded(), true, 'released while WebSockets were open');
        ws.close();
        await ws.closeEvent;
        await new Promise((r) => setTimeout(r, 1200));
        assert.strictEqual(loaded(), true, 'released while one WebSocket was still open');
        assert.strictEqual(await roundTrip(second, 'still open'), 'still open');
        second.close();
        await second.closeEvent;
        await waitFor(() => !loaded(), 3000, 'the part to be released after the last WebSocket closed');
      } finally {
        await app.close();
      }
    });

    it('keeps each WebSocket\'s own bounds when the module\'s settings change between upgrades', async () => {
      const app = await startApp(wsApp({ accepted: 'state.sockets = (state.sockets || []).concat([ws]);' }));
      try {
        const first = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        app.ctx.run('wsMod.MaxSendQueueBytes = 100; wsMod.MaxRecvMessageLength = 50;');
        const second = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        app.ctx.run('wsMod.MaxSendQueueBytes = null; wsMod.MaxRecvMessageLength = null;');
        const third = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        const bounds = JSON.parse(app.ctx.run('JSON.stringify(state.sockets.map(function (w) { return [w.MaxSendQueueBytes, w.MaxRecvMessageLength]; }))'));
        const defaults = bounds[0];
        assert.deepStrictEqual(bounds, [defaults, [100, 50], defaults]);
        assert.notDeepStrictEqual(defaults, [100, 50]);
        // The second one applies its own receive bound: a 51-byte message closes it with 1009.
        second.send('x'.repeat(51));
        assert.strictEqual((await second.closeEvent).code, 1009);
        assert.strictEqual(await roundTrip(first, 'x'.repeat(51)), 'x'.repeat(51));
        assert.strictEqual(await roundTrip(third, 'x'.repeat(51)), 'x'.repeat(51));
        first.close();
        third.close();
      } finally {
        await app.close();
      }
    });

    it('releases the handshake checks right after an upgrade when memory is short, and reads them again for the next', async () => {
      const app = await startApp(wsApp());
      const handshakeLoaded = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.ws-handshake')");
      try {
        const first = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        assert.strictEqual(handshakeLoaded(), true, 'kept with memory to spare');
        // Both parts loaded; less free than MemoryReserveVars (256) + twice the handshake's 150.
        app.ctx.setFreeVars(500);
        const second = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        assert.strictEqual(handshakeLoaded(), false, 'released at once');
        app.ctx.setFreeVars(null);
        const third = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        assert.strictEqual(await roundTrip(third, 'third'), 'third');
        assert.strictEqual(await roundTrip(second, 'second'), 'second');
        for (const ws of [first, second, third]) ws.close();
      } finally {
        await app.close();
      }
    });

    it('is refused with 503 when memory is short to load it, and loaded again once there is room', async () => {
      const app = await startApp(wsApp({ module: 'lib.partSettings.idleMs = 200;' }));
      const loaded = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.ws-socket')");
      try {
        // A keep-alive connection already open, then room for a request (MemoryReserveVars 256 + 250)
        // and the handshake checks (+150) but not for loading the WebSocket part (+450): 503.
        const socket = net.connect(app.port, '127.0.0.1');
        let received = '';
        socket.on('data', (d) => { received += d.toString('latin1'); });
        await new Promise((r) => socket.on('connect', r));
        socket.write('GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n');
        await waitFor(() => /^HTTP\/1\.1 \d+ [^]*\r\n\r\n/.test(received), 3000, 'the first answer');
        received = '';
        app.ctx.setFreeVars(650);
        socket.write(upgradeRequest('/echo'));
        await waitFor(() => received.length > 0, 3000, 'the answer to the upgrade');
        assert.match(received, /^HTTP\/1\.1 503 /);
        assert.strictEqual(loaded(), false);
        socket.destroy();
        app.ctx.setFreeVars(null);
        const again = await openWs(`ws://127.0.0.1:${app.port}/echo`);
        assert.strictEqual(await roundTrip(again, 'again'), 'again');
        again.close();
        await again.closeEvent;
      } finally {
        app.ctx.setFreeVars(null);
        await app.close();
      }
    });
  });

  describe('the request a WebSocket keeps', () => {
    // Text '?' answers what webSocket.Request says after the accept callback has returned.
    const report = `
      state.cookieAtAccept = ws.Request.GetHeader('cookie');
      ws.OnTextMessage = function (w, msg) {
        w.SendTextMessage(JSON.stringify({ path: w.Request.Path, query: w.Request.QueryString, method: w.Request.Method,
          cookie: w.Request.GetHeader('cookie'), response: w.Request.Response, upgrade: w.Request.IsUpgrade,
          room: w.Request.QueryParams.room, ssl: w.Request.IsSSL }));
      };`;
    const ask = async (app) => {
      // %61 is 'a': Path is decoded again when the request is rebuilt from its raw target.
      const ws = await openWs(`ws://127.0.0.1:${app.port}/ch%61t?room=7`, undefined, { headers: { Cookie: 'id=42' } });
      const seen = JSON.parse(await roundTrip(ws, '?'));
      ws.close();
      await ws.closeEvent;
      return seen;
    };

    it('keeps path, query and method, and releases the header fields once OnWebSocketAccepted returns', async () => {
      const app = await startApp(wsApp({ accepted: report }));
      try {
        const seen = await ask(app);
        assert.deepStrictEqual(seen, { path: '/chat', query: 'room=7', method: 'GET', cookie: '', response: null, upgrade: true, room: '7', ssl: false });
        assert.strictEqual(state(app).cookieAtAccept, 'id=42');
      } finally {
        await app.close();
      }
    });

    it('keeps the header fields with KeepRequestHeaders', async () => {
      const app = await startApp(wsApp({ accepted: report, module: 'wsMod.KeepRequestHeaders = true;' }));
      try {
        assert.strictEqual((await ask(app)).cookie, 'id=42');
      } finally {
        await app.close();
      }
    });
  });

  describe('100 concurrent clients', () => {
    let app;
    before(async () => { app = await startApp(wsApp({ config: 'mws2.SetNormalConfig();' })); });
    after(async () => { if (app) await app.close(); });

    it('echoes 10 messages on each of 100 WebSockets open at once', async () => {
      const clients = await Promise.all(Array.from({ length: 100 }, () => openWs(`ws://127.0.0.1:${app.port}`)));
      assert.strictEqual(state(app).accepted, 100);
      await Promise.all(clients.map(async (ws, n) => {
        for (let i = 0; i < 10; i++) ws.send(`client ${n} message ${i}`);
        await waitFor(() => ws.received.length >= 10, 10000, 'echoes of client ' + n);
        assert.deepStrictEqual(ws.received, Array.from({ length: 10 }, (_, i) => `client ${n} message ${i}`));
      }));
      clients.forEach((ws) => ws.close());
      await Promise.all(clients.map((ws) => ws.closeEvent));
      await waitFor(() => state(app).closed === 100, 5000, 'every OnClosed');
    });
  });
});

describe('WebSockets over TLS (wss://, EnableSSL on the shim)', function () {
  this.timeout(20000);
  let dir;
  let app;
  before(async function () {
    if (!opensslAvailable()) this.skip();
    dir = makeCertificateDir('mws2-wss-');
    app = await startApp(wsApp({ ssl: "mws2.EnableSSL('cert.pem', 'key.pem');" }), { fsRoot: dir });
  });
  after(async () => {
    if (app) await app.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('echoes text and binary, sends 70,000 bytes, and closes cleanly over wss', async () => {
    const ws = await openWs(`wss://127.0.0.1:${app.port}/`, undefined, { rejectUnauthorized: false });
    assert.strictEqual(await roundTrip(ws, 's\u00e9cure'), 's\u00e9cure');
    assert.deepStrictEqual(await roundTrip(ws, Buffer.from([1, 2, 255])), Buffer.from([1, 2, 255]));
    assert.strictEqual((await roundTrip(ws, '!repeat:70000')).length, 70000);
    ws.close(1000);
    assert.strictEqual((await ws.closeEvent).code, 1000);
    await waitFor(() => state(app).closed === 1, 2000, 'OnClosed');
  });
});

