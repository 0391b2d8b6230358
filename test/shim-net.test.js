'use strict';
// The shim's require('net'): Espruino socket semantics on real loopback sockets, with Node's `net`
// as the client. Expected behaviour comes from the Linux build of Espruino 2v29.
const assert = require('node:assert');
const net = require('node:net');
const fc = require('fast-check');
const { createEspruinoContext } = require('../shim');

/** Starts `serverSource` (which must assign a listening server to global `server`) in a fresh context. */
async function startServer(serverSource) {
  const lines = [];
  const ctx = createEspruinoContext({ log: (line) => lines.push(line) });
  ctx.run('var events = [];\n' + serverSource);
  const port = await ctx.listening(ctx.global.server);
  return { ctx, port, lines, events: () => Array.from(ctx.global.events) };
}

/** A Node client; it reads in flowing mode so 'end' is seen even by tests that ignore the data. */
function connect(port) {
  return new Promise((resolve, reject) => {
    const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(client));
    client.resume();
    client.on('error', reject);
  });
}

function collect(client) {
  const chunks = [];
  client.on('data', (chunk) => chunks.push(chunk));
  return () => Buffer.concat(chunks);
}

function waitFor(predicate, timeoutMs = 3000) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    (function poll() {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(poll, 5);
    })();
  });
}

const RECORD_EVERYTHING = `
  var server = require('net').createServer(function (socket) {
    global.socket = socket;
    socket.on('data', function (d) { events.push('data:' + d.length); global.received = (global.received || '') + d; });
    socket.on('drain', function (s) { events.push('drain:' + (s === socket)); });
    socket.on('error', function (e) { events.push('error:' + e.code + ':' + e.message); });
    socket.on('end', function () { events.push('end'); });
    socket.on('close', function (hadError) { events.push('close:' + hadError); });
  }).listen(0);`;

describe('shim net sockets', function () {
  let running;
  afterEach(async function () {
    if (running) await running.ctx.close();
    running = null;
  });

  it('delivers a 5000-byte send as 536-byte data events (9 x 536 + 176), byte-exact', async function () {
    running = await startServer(RECORD_EVERYTHING);
    const client = await connect(running.port);
    const payload = Buffer.alloc(5000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    client.write(payload);
    await waitFor(() => (running.ctx.global.received || '').length === 5000);
    assert.deepStrictEqual(running.events(), ['data:536', 'data:536', 'data:536', 'data:536', 'data:536',
      'data:536', 'data:536', 'data:536', 'data:536', 'data:176']);
    assert.ok(Buffer.from(running.ctx.global.received, 'latin1').equals(payload));
    client.destroy();
  });

  it('write() returns false and sends the latin1 bytes of String(data)', async function () {
    running = await startServer(`
      var server = require('net').createServer(function (socket) {
        events.push(socket.write('\\xff\\x00A'), socket.write(42), socket.write([1, 2]));
      }).listen(0);`);
    const client = await connect(running.port);
    const received = collect(client);
    await waitFor(() => received().length === 8);
    assert.strictEqual(received().toString('hex'), 'ff0041' + '3432' + '312c32');
    assert.deepStrictEqual(running.events(), [false, false, false]);
    client.destroy();
  });

  it('queues drain (with the socket as argument) after the written data has gone out', async function () {
    running = await startServer(RECORD_EVERYTHING);
    const client = await connect(running.port);
    const received = collect(client);
    await waitFor(() => running.ctx.global.socket !== undefined);
    running.ctx.run("socket.write('x'.repeat(3000)); events.push('written');");
    await waitFor(() => running.events().includes('drain:true'));
    assert.deepStrictEqual(running.events(), ['written', 'drain:true']);
    await waitFor(() => received().length === 3000);
    client.destroy();
  });

  it('end(data) sends everything, then FIN, then end and close(false), with no drain', async function () {
    running = await startServer(RECORD_EVERYTHING.replace("global.socket = socket;",
      "global.socket = socket; socket.write('a'.repeat(20000)); socket.end('!');"));
    const client = await connect(running.port);
    const received = collect(client);
    await new Promise((resolve) => client.on('end', resolve));
    assert.strictEqual(received().length, 20001);
    assert.strictEqual(received().toString('latin1').slice(-1), '!');
    await waitFor(() => running.events().includes('close:false'));
    assert.deepStrictEqual(running.events(), ['end', 'close:false']);
    client.destroy();
  });

  it('write() after end() throws "This socket is closed"', async function () {
    running = await startServer(`
      var server = require('net').createServer(function (socket) {
        socket.end('x');
        try { socket.write('y'); } catch (e) { events.push(e.message); }
      }).listen(0);`);
    const client = await connect(running.port);
    await new Promise((resolve) => client.on('end', resolve));
    assert.deepStrictEqual(running.events(), ['This socket is closed']);
    client.destroy();
  });

  it('a peer half-close closes at once: end then close(false) when nothing is unsent', async function () {
    running = await startServer(RECORD_EVERYTHING);
    const client = await connect(running.port);
    client.end('bye');
    await waitFor(() => running.events().includes('close:false'));
    assert.deepStrictEqual(running.events(), ['data:3', 'end', 'close:false']);
    client.destroy();
  });

  it('a peer half-close drops unsent data: error -8, then end, then close(true)', async function () {
    const total = 16 * 1024 * 1024;
    running = await startServer(RECORD_EVERYTHING);
    const client = await connect(running.port);
    client.pause();
    await waitFor(() => running.ctx.global.socket !== undefined);
    running.ctx.run(`socket.write('z'.repeat(${total}));`);
    client.end();
    await waitFor(() => running.events().includes('close:true'));
    assert.deepStrictEqual(running.events(), ['error:-8:unsent data', 'end', 'close:true']);
    const received = collect(client);
    client.resume();
    await new Promise((resolve) => client.on('close', resolve));
    assert.ok(received().length < total, 'the unsent part never reaches the peer');
  });

  it('a peer reset gives end then close, without an error event', async function () {
    running = await startServer(RECORD_EVERYTHING);
    const client = await connect(running.port);
    await waitFor(() => running.ctx.global.socket !== undefined);
    client.resetAndDestroy();
    await waitFor(() => running.events().includes('close:false'));
    assert.deepStrictEqual(running.events(), ['end', 'close:false']);
  });

  it('emits asynchronously: listeners added right after the triggering call still get the event', async function () {
    running = await startServer(`
      var server = require('net').createServer(function (socket) {
        socket.write('hello');
        socket.on('drain', function () { events.push('drain');
          socket.end();
          socket.on('end', function () { events.push('end'); });
          socket.on('close', function () { events.push('close'); });
        });
        events.push('after write');
      }).listen(0);`);
    const client = await connect(running.port);
    await new Promise((resolve) => client.on('end', resolve));
    await waitFor(() => running.events().includes('close'));
    assert.deepStrictEqual(running.events(), ['after write', 'drain', 'end', 'close']);
    client.destroy();
  });

  it('holds data that arrives before a data listener exists and delivers it once one is added', async function () {
    running = await startServer(`
      var server = require('net').createServer(function (socket) { global.socket = socket; }).listen(0);`);
    const client = await connect(running.port);
    client.write('early bytes');
    await waitFor(() => running.ctx.global.socket !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
    running.ctx.run("socket.on('data', function (d) { events.push(d); });");
    await waitFor(() => running.events().length === 1);
    assert.deepStrictEqual(running.events(), ['early bytes']);
    client.destroy();
  });

  it('server.close() stops accepting but leaves open sockets working', async function () {
    running = await startServer(`
      var server = require('net').createServer(function (socket) {
        global.socket = socket;
        socket.on('data', function (d) { socket.write(d.toUpperCase()); });
      }).listen(0);`);
    const client = await connect(running.port);
    const received = collect(client);
    await waitFor(() => running.ctx.global.socket !== undefined);
    running.ctx.run('server.close();');
    await assert.rejects(connect(running.port));
    client.write('still here');
    await waitFor(() => received().toString() === 'STILL HERE');
    assert.strictEqual(running.ctx.stats.serversOpen, 0);
    client.destroy();
  });

  it('stores listeners as enumerable #on<event> properties, as Espruino does', async function () {
    running = await startServer(`
      var server = require('net').createServer(function (socket) {
        socket.on('data', function () {});
        events.push(Object.keys(socket).join(','), typeof socket.once, typeof socket.off);
        socket.end();
      }).listen(0);`);
    const client = await connect(running.port);
    await new Promise((resolve) => client.on('end', resolve));
    assert.deepStrictEqual(running.events(), ['#ondata', 'undefined', 'undefined']);
    assert.deepStrictEqual(Object.keys(running.ctx.global.server), ['#onconnect', 'port']);
    client.destroy();
  });

  it('reports a port already in use as Espruino does ("Uncaught InternalError: Unable to create socket")', async function () {
    running = await startServer(RECORD_EVERYTHING);
    running.ctx.run(`var second = require('net').createServer(function () {}).listen(${running.port});`);
    await assert.rejects(running.ctx.listening(running.ctx.global.second));
    assert.deepStrictEqual(running.lines, ['Uncaught InternalError: Unable to create socket']);
    assert.strictEqual(running.ctx.uncaught.length, 1);
  });

  it('never delivers more than 536 bytes per data event, whatever the Node chunking (property)', async function () {
    this.timeout(20000);
    running = await startServer(RECORD_EVERYTHING.replace("events.push('data:' + d.length);",
      'global.largest = Math.max(global.largest || 0, d.length);'));
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 6000, size: 'max' }), async (bytes) => {
      running.ctx.run("received = ''; largest = 0;");
      const client = await connect(running.port);
      client.write(Buffer.from(bytes));
      await waitFor(() => (running.ctx.global.received || '').length === bytes.length);
      client.destroy();
      return running.ctx.global.largest <= 536 &&
        Buffer.from(running.ctx.global.received, 'latin1').equals(Buffer.from(bytes));
    }), { numRuns: 25 });
  });
});

describe('shim context shutdown', function () {
  function openTcpHandles() {
    return process.getActiveResourcesInfo().filter((name) => /^TCP/.test(name)).length;
  }

  it('close() releases every server, socket and timer it created, and can be called twice', async function () {
    const before = openTcpHandles();
    const ctx = createEspruinoContext({ log: () => {} });
    ctx.run(`var ticks = 0;
      var server = require('net').createServer(function (socket) { socket.write('x'); }).listen(0);
      setInterval(function () { ticks++; }, 2); setTimeout(function () {}, 100000);`);
    const port = await ctx.listening(ctx.global.server);
    const client = await connect(port);
    await new Promise((resolve) => client.once('data', resolve));
    await ctx.close();
    await ctx.close();
    client.destroy();
    const ticksAtClose = ctx.global.ticks;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.strictEqual(openTcpHandles(), before);
    assert.strictEqual(ctx.global.ticks, ticksAtClose, 'no timer fires after close()');
    assert.strictEqual(ctx.stats.socketsOpen, 0);
    assert.strictEqual(ctx.stats.serversOpen, 0);
  });
});
