// The HTTP part (MicroWebSrv2.http): the parser, session, HttpRequest and HttpResponse are a bundle
// of their own, loaded from Storage when a request's first byte arrives and released once no
// request has used them for partSettings.idleMs, so an idle server holds only what accepts
// connections and knows the routes. These tests run it as a board does: the part in the shim's
// Storage, the core loading it with require().
'use strict';

const assert = require('assert');
const net = require('net');
const WebSocket = require('ws');
const { startApp, standardApp } = require('./helpers/app');
const { rawRequest } = require('./helpers/raw');

const PART = 'MicroWebSrv2.http';
const { sleep, waitFor } = require('./helpers/wait');

const ROUTES = `
  lib.partSettings.idleMs = 300;
  WebRoute(GET, '/hello', function (m, req) { req.Response.ReturnOkJSON({ path: req.Path, q: req.QueryParams.q || null }); });
  WebRoute(GET, '/slow', function (m, req) { setTimeout(function () { req.Response.ReturnOk('late'); }, 900); });
  WebRoute(POST, '/echo', function (m, req) { req.Response.ReturnOk(req.GetPostedURLEncodedForm().v || ''); });
`;

describe('HTTP part: loaded by the first byte of a request, released when idle', function () {
  let app;
  const loaded = () => app.ctx.run(`lib.isPartLoaded('${PART}')`);
  const cached = () => app.ctx.run(`Modules.getCached().indexOf('${PART}') >= 0`);

  beforeEach(async () => { app = await startApp(standardApp(ROUTES)); });
  afterEach(async () => { if (app) await app.close(); });

  it('is not loaded by a started server, nor by a connection that sends nothing', async () => {
    assert.strictEqual(loaded(), false);
    const socket = net.connect(app.port, '127.0.0.1');
    await new Promise((resolve) => socket.on('connect', resolve));
    await sleep(100);
    assert.strictEqual(loaded(), false);
    socket.destroy();
  });

  it('serves, is released after idleMs (the core keeps no copy), and serves the same again', async () => {
    const first = await fetch(app.url + '/hello?q=1');
    assert.strictEqual(first.status, 200);
    assert.deepStrictEqual(await first.json(), { path: '/hello', q: '1' });
    assert.strictEqual(loaded(), true);
    assert.strictEqual(cached(), false);
    await waitFor(() => !loaded(), 3000, 'the part to be released');
    const again = await fetch(app.url + '/hello?q=2');
    assert.deepStrictEqual(await again.json(), { path: '/hello', q: '2' });
    // Files and errors are answered through it as well.
    assert.strictEqual((await fetch(app.url + '/style.css')).status, 200);
    assert.strictEqual((await fetch(app.url + '/missing')).status, 404);
  });

  it('stays loaded while a request is under way longer than idleMs', async () => {
    const slow = fetch(app.url + '/slow');
    await sleep(700);
    assert.strictEqual(loaded(), true, 'held by the session, whatever idleMs says');
    const res = await slow;
    assert.strictEqual(await res.text(), 'late');
    await waitFor(() => !loaded(), 3000, 'the part to be released once the request is over');
  });

  it('is released while a keep-alive connection stays open between requests, and reloaded by its next request', async () => {
    const socket = net.connect(app.port, '127.0.0.1');
    await new Promise((resolve) => socket.on('connect', resolve));
    let received = '';
    socket.on('data', (d) => { received += d.toString('latin1'); });
    socket.write('GET /hello?q=a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => /"q":"a"/.test(received), 2000, 'the first answer');
    await waitFor(() => !loaded(), 3000, 'the part to be released with the connection open');
    assert.strictEqual(socket.destroyed, false);
    socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nv=xyz');
    await waitFor(() => /xyz$/.test(received), 2000, 'the second answer');
    assert.strictEqual((received.match(/HTTP\/1\.1 200 OK/g) || []).length, 2);
    socket.destroy();
  });

  it('leaves an idle server without a timer: the sweep stops once no connection is open and every part is released', async () => {
    await app.close();
    // Readable bundles: the private name sweepTimer is not shortened there.
    app = await startApp(standardApp(ROUTES), { readable: true });
    const sweeping = () => app.ctx.run('mws2.pool.sweepTimer !== null');
    assert.strictEqual((await fetch(app.url + '/hello')).status, 200);
    assert.strictEqual(sweeping(), true);
    await waitFor(() => !loaded() && !sweeping(), 4000, 'the sweep to stop');
    // The next connection starts it again: a silent one is still closed at RequestsTimeoutSec.
    app.ctx.run('mws2.RequestsTimeoutSec = 1');
    const socket = net.connect(app.port, '127.0.0.1');
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('connect', resolve));
    await sleep(100);
    assert.strictEqual(sweeping(), true);
    await closed;
    await waitFor(() => !sweeping(), 4000, 'the sweep to stop again');
  });

  it('answers 500 while the part is missing from Storage (an upload that left it out), and serves once it is there', async () => {
    const storage = app.ctx.require('Storage');
    const code = storage.read(PART);
    storage.erase(PART);
    const res = await rawRequest(app.port, 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.strictEqual(res.status, 500);
    assert.strictEqual(res.closed, true);
    assert.ok(app.logs.some((l) => /Loading MicroWebSrv2\.http \(upload it with the core\) failed/.test(l)), app.logs.join('\n'));
    storage.write(PART, code);
    assert.deepStrictEqual(await (await fetch(app.url + '/hello?q=3')).json(), { path: '/hello', q: '3' });
  });

  it('answers 503 and closes, loading nothing, when free memory cannot hold it; serves once there is room', async () => {
    // Room for a connection (MemoryReserveVars 256 + 60), not for the part (+1,100).
    app.ctx.setFreeVars(900);
    const refused = await rawRequest(app.port, 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.strictEqual(refused.status, 503);
    assert.strictEqual(refused.headers['retry-after'], '1');
    assert.strictEqual(refused.headers.connection, 'close');
    assert.strictEqual(refused.closed, true);
    assert.strictEqual(loaded(), false);
    assert.ok(app.logs.some((l) => /Request refused: no memory to load MicroWebSrv2\.http/.test(l)), app.logs.join('\n'));
    app.ctx.setFreeVars(null);
    const served = await fetch(app.url + '/hello');
    assert.strictEqual(served.status, 200);
    await served.text();
  });
});

describe('HTTP part on a resizable build (Linux default, Raspberry Pi)', function () {
  let app;
  afterEach(async () => { if (app) await app.close(); });

  it('serves with little free memory: such a build grows its variables instead of running out', async () => {
    // A resizable build reports `total` in blocks of 4,096 and a small `free` that grows on demand.
    app = await startApp(standardApp(ROUTES), { variables: 8192 });
    app.ctx.setFreeVars(900);
    for (let i = 0; i < 5; i++) {
      const res = await rawRequest(app.port, 'GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.strictEqual(res.status, 200, app.logs.join('\n'));
    }
    assert.ok(!app.logs.some((l) => /refused/.test(l)), app.logs.join('\n'));
  });
});

describe('HTTP part and open WebSockets', function () {
  let app;
  const loaded = () => app.ctx.run(`lib.isPartLoaded('${PART}')`);
  const open = (path) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}${path}`);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
  const next = (ws) => new Promise((resolve) => ws.once('message', (m) => resolve(String(m))));

  afterEach(async () => { if (app) await app.close(); });

  function wsApp(moduleSettings) {
    return `
      lib.partSettings.idleMs = 300;
      var MicroWebSrv2 = lib.MicroWebSrv2;
      var wsMod = MicroWebSrv2.LoadModule('WebSockets');
      ${moduleSettings}
      wsMod.OnWebSocketAccepted = function (m, ws) {
        ws.OnTextMessage = function (w, msg) {
          var r = w.Request;
          w.SendTextMessage(JSON.stringify({ path: r.Path, q: r.QueryString, agent: r.GetHeader('user-agent') }));
        };
      };
      var mws2 = new MicroWebSrv2();
      mws2.SetEmbeddedConfig();
      mws2.BindAddress = ['127.0.0.1', PORT];
      mws2.StartManaged();
    `;
  }

  it('an open WebSocket does not hold it; reading its Request loads it again', async () => {
    app = await startApp(wsApp(''));
    const ws = await open('/chat?room=1');
    await waitFor(() => !loaded(), 3000, 'the part to be released with the WebSocket open');
    ws.send('who');
    assert.deepStrictEqual(JSON.parse(await next(ws)), { path: '/chat', q: 'room=1', agent: '' });
    assert.strictEqual(loaded(), true);
    await waitFor(() => !loaded(), 3000, 'the part to be released again');
    ws.close();
  });

  it('a WebSocket that keeps its request (KeepRequestHeaders) holds it until it closes', async () => {
    app = await startApp(wsApp('wsMod.KeepRequestHeaders = true;'));
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/kept`, { headers: { 'User-Agent': 'tester' } });
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    await sleep(800);
    assert.strictEqual(loaded(), true, 'held by the kept request');
    ws.send('who');
    assert.deepStrictEqual(JSON.parse(await next(ws)), { path: '/kept', q: '', agent: 'tester' });
    ws.close();
    await waitFor(() => !loaded(), 3000, 'the part to be released once the WebSocket closed');
  });
});
