// Static files, CORS, capacity, Stop() and HTTPS: each with the server configured for the case.
'use strict';

const assert = require('assert');
const { opensslAvailable, makeCertificateDir } = require('./helpers/tls');
const fs = require('fs');
const path = require('path');
const net = require('net');
const { startApp, standardApp } = require('./helpers/app');
const { exchange, rawRequest } = require('./helpers/raw');

const www = path.join(__dirname, '../www');

describe('static files from RootPath', function () {
  this.timeout(15000);
  let app;
  before(async () => {
    app = await startApp(standardApp(`
      WebRoute(GET, '/api', function (m, r) { r.Response.ReturnOk('api'); });
    `));
  });
  after(async () => app && app.close());

  it('serves the default page for /', async () => {
    const res = await fetch(app.url + '/');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('content-type'), 'text/html');
    assert.strictEqual(res.headers.get('cache-control'), 'public, max-age=31536000');
    assert.strictEqual(await res.text(), fs.readFileSync(path.join(www, 'index.html'), 'utf8'));
  });

  it('serves binary files byte for byte with their MIME type', async () => {
    for (const [file, type] of [['favicon.ico', 'image/x-icon'], ['pdf.png', 'image/png'], ['test.pdf', 'application/pdf']]) {
      const res = await fetch(app.url + '/' + file);
      assert.strictEqual(res.headers.get('content-type'), type);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(www, file))), file);
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await rawRequest(app.port, 'HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n', { headRequests: 1 });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(Number(res.headers['content-length']), fs.statSync(path.join(www, 'style.css')).size);
    assert.strictEqual(res.all.length, 1);
    assert.strictEqual(res.closed, false);
  });

  it('answers 404 for a missing file', async () => {
    assert.strictEqual((await fetch(app.url + '/missing.html')).status, 404);
  });

  it('refuses a file type the server does not know with 403', async () => {
    // The demo's template source has no MIME type unless the template module serves it.
    assert.strictEqual((await fetch(app.url + '/test.pyhtml')).status, 403);
  });

  for (const attempt of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%2E%2E%2Fpackage.json',
    '/..\\package.json', '/.%2e/package.json', '/www/../../package.json', '/index.html%00.css']) {
    it(`never leaves the root: ${attempt}`, async () => {
      const res = await rawRequest(app.port, `GET ${attempt} HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.ok([400, 404].includes(res.status), 'status ' + res.status);
      assert.ok(!res.raw.toString().includes('"devDependencies"'));
    });
  }

  it('answers OPTIONS with 204 and Allow, for files and for routes', async () => {
    const file = await fetch(app.url + '/index.html', { method: 'OPTIONS' });
    assert.strictEqual(file.status, 204);
    assert.strictEqual(file.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const route = await fetch(app.url + '/api', { method: 'OPTIONS' });
    assert.strictEqual(route.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  it('answers DELETE on a file with 405 and Allow', async () => {
    const res = await fetch(app.url + '/index.html', { method: 'DELETE' });
    assert.strictEqual(res.status, 405);
    assert.strictEqual(res.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });
});

describe('NotFoundURL, CORS and MIME configuration', function () {
  this.timeout(15000);
  let app;
  before(async () => {
    app = await startApp(standardApp(`
      WebRoute(GET, '/api', function (m, r) { r.Response.ReturnOk('api'); });
      MicroWebSrv2.AddMimeType('.pyhtml', 'text/plain');
      MicroWebSrv2.AddDefaultPage('home.txt');
    `, `mws2.NotFoundURL = '/'; mws2.AllowAllOrigins = true; mws2.CORSAllowAll = true;`));
  });
  after(async () => app && app.close());

  it('redirects what is not found to NotFoundURL with 307', async () => {
    const res = await fetch(app.url + '/nowhere', { redirect: 'manual' });
    assert.strictEqual(res.status, 307);
    assert.strictEqual(res.headers.get('location'), '/');
  });

  it('echoes the request Origin with AllowAllOrigins', async () => {
    const res = await fetch(app.url + '/api', { headers: { Origin: 'http://example.com' } });
    assert.strictEqual(res.headers.get('access-control-allow-origin'), 'http://example.com');
    assert.strictEqual(res.headers.get('vary'), 'Origin');
    const none = await fetch(app.url + '/api');
    assert.strictEqual(none.headers.get('access-control-allow-origin'), null);
  });

  it('answers a CORS pre-flight with what it asks for when CORSAllowAll', async () => {
    const res = await fetch(app.url + '/api', {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-token' },
    });
    assert.strictEqual(res.status, 204);
    assert.strictEqual(res.headers.get('access-control-allow-origin'), 'http://example.com');
    assert.strictEqual(res.headers.get('access-control-allow-methods'), 'PUT');
    assert.strictEqual(res.headers.get('access-control-allow-headers'), 'x-token');
    assert.strictEqual(res.headers.get('access-control-allow-credentials'), 'true');
    assert.strictEqual(res.headers.get('access-control-max-age'), '86400');
  });

  it('serves a type added with AddMimeType', async () => {
    const res = await fetch(app.url + '/test.pyhtml');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('content-type'), 'text/plain');
  });

  it('resolves physical paths and MIME types like the original', async () => {
    const result = app.ctx.run(`JSON.stringify([mws2.ResolvePhysicalPath('/'), mws2.ResolvePhysicalPath('/style.css'),
      mws2.ResolvePhysicalPath('/nope'), MicroWebSrv2.GetMimeTypeFromFilename('a/b.JPG'), MicroWebSrv2.GetMimeTypeFromFilename('x.unknown'),
      MicroWebSrv2.HTMLEscape('<a href="x">&\\'</a>')])`);
    assert.deepStrictEqual(JSON.parse(result), ['www/index.html', 'www/style.css', null, 'image/jpeg', null,
      '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;']);
  });
});

describe('capacity and Stop()', function () {
  this.timeout(15000);

  it('answers 503 above MaxConnections and serves again once connections close', async () => {
    const app = await startApp(standardApp(`WebRoute(GET, '/x', function (m, r) { r.Response.ReturnOk('x'); });`,
      'mws2.RequestsTimeoutSec = 10;'));
    try {
      assert.strictEqual(app.ctx.run('mws2.MaxConnections'), 8);
      const held = [];
      for (let i = 0; i < 8; i++) {
        const s = net.connect(app.port, '127.0.0.1');
        await new Promise((r) => s.on('connect', r));
        held.push(s);
      }
      await new Promise((r) => setTimeout(r, 100));
      const refused = await rawRequest(app.port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.strictEqual(refused.status, 503);
      assert.strictEqual(refused.closed, true);
      held.forEach((s) => s.destroy());
      await new Promise((r) => setTimeout(r, 200));
      assert.strictEqual((await rawRequest(app.port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n')).status, 200);
    } finally {
      await app.close();
    }
  });

  it('Stop() closes every connection, releases the port, and the server can start again', async () => {
    const app = await startApp(standardApp(`WebRoute(GET, '/x', function (m, r) { r.Response.ReturnOk('x'); });`));
    try {
      const { closed } = await new Promise((resolve) => {
        const s = net.connect(app.port, '127.0.0.1', () => {
          s.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
          setTimeout(() => app.ctx.run('mws2.Stop()'), 100);
        });
        s.on('data', () => {});
        s.on('close', () => resolve({ closed: true }));
      });
      assert.ok(closed);
      assert.strictEqual(app.ctx.run('mws2.IsRunning'), false);
      await assert.rejects(fetch(app.url + '/x'));
      app.ctx.run('mws2.StartManaged()');
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(await (await fetch(app.url + '/x')).text(), 'x');
    } finally {
      await app.close();
    }
  });

  it('checks the configuration when it starts, and applies changes made while running to the next requests', async () => {
    const app = await startApp(standardApp());
    try {
      const refused = (setting) => app.ctx.run(`var s = new MicroWebSrv2(); ${setting}; var msg = 'started';
        try { s.StartManaged(); s.Stop(); } catch (e) { msg = e.message + (s.IsRunning ? ' (running)' : ''); } msg`);
      assert.strictEqual(refused("s.BindAddress = ['127.0.0.1', 0]; s.BufferSlotSize = -1"), 'BufferSlotSize must be a positive integer');
      assert.strictEqual(refused("s.BindAddress = ['127.0.0.1', 0]; s.RequestsTimeoutSec = 1.5"), 'RequestsTimeoutSec must be a positive integer');
      assert.strictEqual(refused("s.BindAddress = ['x']"), 'BindAddress must be [ipAddress, port]');
      assert.strictEqual(refused("s.BindAddress = ['127.0.0.1', 0]"), 'started');
      const post = () => fetch(app.url + '/echo', { method: 'POST', body: 'x'.repeat(20) });
      app.ctx.run('mws2.MaxRequestContentLength = 10');
      assert.strictEqual((await post()).status, 413);
      app.ctx.run('mws2.MaxRequestContentLength = 1000');
      assert.notStrictEqual((await post()).status, 413);
      assert.deepStrictEqual(JSON.parse(app.ctx.run(`var s = new MicroWebSrv2(); var out = [];
        s.SetEmbeddedConfig(); out.push([s.ConnQueueCapacity, s.BufferSlotsCount, s.BufferSlotSize, s.MaxRequestContentLength]);
        s.SetLightConfig(); out.push([s.ConnQueueCapacity, s.BufferSlotsCount, s.BufferSlotSize, s.MaxRequestContentLength]);
        s.SetNormalConfig(); out.push([s.ConnQueueCapacity, s.BufferSlotsCount, s.BufferSlotSize, s.MaxRequestContentLength]);
        s.SetLargeConfig(); out.push([s.ConnQueueCapacity, s.BufferSlotsCount, s.BufferSlotSize, s.MaxRequestContentLength]);
        JSON.stringify(out)`)), [[8, 16, 1024, 16384], [64, 128, 1024, 524288], [256, 512, 4096, 2097152], [512, 2048, 16384, 8388608]]);
    } finally {
      await app.close();
    }
  });

  it('logs through OnLogging with the message type', async () => {
    const app = await startApp(`
      var logged = [];
      var mws2 = new lib.MicroWebSrv2();
      mws2.OnLogging = function (server, msg, type) { logged.push([type, msg]); };
      mws2.BindAddress = ['127.0.0.1', PORT];
      mws2.StartManaged();
      mws2.Log('hello', lib.MicroWebSrv2.WARNING);
    `);
    try {
      const logged = JSON.parse(app.ctx.run('JSON.stringify(logged)'));
      assert.deepStrictEqual(logged[0][0], 1);
      assert.match(logged[0][1], /listening/);
      assert.deepStrictEqual(logged[1], [2, 'hello']);
    } finally {
      await app.close();
    }
  });
});

describe('HTTPS (EnableSSL, on the shim)', function () {
  this.timeout(20000);
  let dir;
  let app;
  before(async function () {
    if (!opensslAvailable()) this.skip();
    dir = makeCertificateDir('mws2-tls-');
    app = await startApp(`
      var mws2 = new lib.MicroWebSrv2();
      lib.WebRoute(lib.GET, '/secure', function (m, r) { r.Response.ReturnOkJSON({ ssl: r.IsSSL }); });
      mws2.BindAddress = ['127.0.0.1', 80];
      mws2.EnableSSL('cert.pem', 'key.pem');
      var switchedTo = mws2.BindAddress[1];
      mws2.DisableSSL();
      var switchedBack = mws2.BindAddress[1];
      mws2.EnableSSL('cert.pem', 'key.pem');
      mws2.BindAddress = ['127.0.0.1', PORT];
      mws2.StartManaged();
    `, { fsRoot: dir });
  });
  after(async () => {
    if (app) await app.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('switches 80 to 443 and back', () => {
    assert.strictEqual(app.ctx.run('switchedTo'), 443);
    assert.strictEqual(app.ctx.run('switchedBack'), 80);
    assert.strictEqual(app.ctx.run('mws2.IsSSLEnabled'), true);
  });

  it('serves HTTPS to a TLS client', async () => {
    const { Agent, request } = require('undici');
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const res = await request(`https://127.0.0.1:${app.port}/secure`, { dispatcher });
    assert.strictEqual(res.statusCode, 200);
    assert.deepStrictEqual(await res.body.json(), { ssl: true });
    await dispatcher.close();
  });

  it('explains that stock Espruino firmware cannot serve HTTPS', () => {
    // The shim has a TLS server; take it away, as stock firmware has none.
    const message = app.ctx.run(`var tls = require('tls'); var saved = tls.createServer; tls.createServer = undefined; var msg = null;
      try { new lib.MicroWebSrv2().EnableSSL('cert.pem', 'key.pem'); } catch (e) { msg = e.message; }
      tls.createServer = saved; msg`);
    assert.match(message, /no TLS server/);
  });
});

describe('pipelining limits', function () {
  this.timeout(10000);
  it('drops a connection that pipelines more than it may hold while a response is pending', async () => {
    const app = await startApp(standardApp(`WebRoute(GET, '/slow', function (m, r) { setTimeout(function () { r.Response.ReturnOk('s'); }, 300); });`));
    try {
      const many = 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET /slow HTTP/1.1\r\nHost: x\r\nX-Pad: ' + 'p'.repeat(900) + '\r\n\r\n'.repeat(1);
      const { closed } = await exchange(app.port, [many, many.repeat(5)], { idleMs: 1500 });
      assert.strictEqual(closed, true);
      assert.ok(app.logs.some((l) => /too much pipelined input/.test(l)));
    } finally {
      await app.close();
    }
  });
});

describe('memory reserve (MemoryReserveVars)', function () {
  this.timeout(10000);
  let app;
  before(async () => {
    app = await startApp(standardApp(`
      WebRoute(GET, '/x', function (m, r) { r.Response.ReturnOk('x'); });
      WebRoute(POST, '/upload', function (m, r) { r.Response.ReturnOkJSON({ length: r.ContentLength }); });
      WebRoute(GET, '/big-later', function (m, r) {
        setTimeout(function () { r.Response.ReturnOk(new Array(20001).join('z')); }, 200);
      });
      WebRoute(GET, '/slow', function (m, r) {
        setTimeout(function () { r.Response.ReturnOk('slow'); }, 1500);
      });
    `));
  });
  after(async () => {
    app.ctx.setFreeVars(null);
    await app.close();
  });

  it('answers 503 to a new connection when free memory is below the reserve, and serves again once it is back', async () => {
    app.ctx.setFreeVars(300);
    const refused = await rawRequest(app.port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.strictEqual(refused.status, 503);
    assert.strictEqual(refused.headers['retry-after'], '1');
    assert.ok(app.logs.some((l) => /free memory below MemoryReserveVars/.test(l)));
    app.ctx.setFreeVars(null);
    assert.strictEqual((await rawRequest(app.port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n')).status, 200);
  });

  it('answers 503 and closes when memory stays short between two requests of a keep-alive connection', async () => {
    const socket = net.connect(app.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => { received += d.toString('latin1'); });
    const closed = new Promise((r) => socket.on('close', r));
    try {
      await new Promise((r) => socket.on('connect', r));
      socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      for (let i = 0; i < 100 && !/\r\n\r\nx$/.test(received); i++) await new Promise((r) => setTimeout(r, 10));
      assert.match(received, /^HTTP\/1\.1 200 /);
      // Enough for the connection already open, not for answering another request above the reserve.
      app.ctx.setFreeVars(300);
      socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      await closed;
      const second = received.substring(received.indexOf('HTTP/1.1', 10));
      assert.match(second, /^HTTP\/1\.1 503 /);
      assert.match(second, /\r\nConnection: close\r\n/i);
    } finally {
      app.ctx.setFreeVars(null);
      socket.destroy();
    }
    assert.strictEqual((await rawRequest(app.port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n')).status, 200);
  });

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // A keep-alive connection whose first request has been answered, so that it is open before memory
  // is made short; `client.text` is what arrived since.
  async function answeredClient() {
    const socket = net.connect(app.port, '127.0.0.1');
    const client = { socket, text: '', closed: new Promise((r) => socket.on('close', r)) };
    socket.on('data', (d) => { client.text += d.toString('latin1'); });
    await new Promise((r) => socket.on('connect', r));
    socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; i < 100 && !/\r\n\r\nx$/.test(client.text); i++) await sleep(10);
    client.text = '';
    return client;
  }

  it('lets a request that arrives while memory is short wait for the requests under way rather than refuse it', async () => {
    const busy = await answeredClient();
    const client = await answeredClient();
    try {
      // A request under way elsewhere (answered after 200 ms), and room for the open connection but
      // not for answering above the reserve: as when the responses just queued have not drained yet.
      busy.socket.write('GET /big-later HTTP/1.1\r\nHost: x\r\n\r\n');
      await sleep(20);
      app.ctx.setFreeVars(300);
      client.socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      await sleep(150);
      assert.strictEqual(client.text, '', 'answered while memory was short');
      app.ctx.setFreeVars(null);
      for (let i = 0; i < 100 && !/\r\n\r\nx$/.test(client.text); i++) await sleep(10);
      assert.match(client.text, /^HTTP\/1\.1 200 /);
      assert.match(client.text, /\r\nConnection: keep-alive\r\n/i);
    } finally {
      app.ctx.setFreeVars(null);
      client.socket.destroy();
      busy.socket.destroy();
    }
  });

  it('refuses a request still short of memory after a second of waiting, unparsed, with 503 and close', async () => {
    const busy = await answeredClient();
    const client = await answeredClient();
    try {
      busy.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
      await sleep(20);
      app.ctx.setFreeVars(300);
      const started = Date.now();
      client.socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      await client.closed;
      const waited = Date.now() - started;
      assert.ok(waited >= 900 && waited < 1400, 'answered after ' + waited + ' ms');
      assert.match(client.text, /^HTTP\/1\.1 503 /);
      assert.match(client.text, /\r\nRetry-After: 1\r\n/);
      assert.match(client.text, /\r\nConnection: close\r\n/);
      assert.ok(app.logs.some((l) => /Request refused: free memory below MemoryReserveVars after waiting/.test(l)));
      app.ctx.setFreeVars(null);
      for (let i = 0; i < 200 && !/slow$/.test(busy.text); i++) await sleep(10);
      assert.match(busy.text, /^HTTP\/1\.1 200 [^]*slow$/, 'the request under way is answered');
    } finally {
      app.ctx.setFreeVars(null);
      client.socket.destroy();
      busy.socket.destroy();
    }
  });

  it('waits for memory also when no other request is under way (a closed connection is freed a turn later), then 503', async () => {
    const client = await answeredClient();
    try {
      app.ctx.setFreeVars(300);
      const started = Date.now();
      client.socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      for (let i = 0; i < 400 && !/\r\n\r\n/.test(client.text); i++) await sleep(5);
      assert.match(client.text, /^HTTP\/1\.1 503 /);
      const waited = Date.now() - started;
      assert.ok(waited >= 900 && waited < 1900, 'waited ' + waited + ' ms (waitMs is 1,000)');
    } finally {
      app.ctx.setFreeVars(null);
      client.socket.destroy();
    }
  });

  it('serves a request that waited for memory once it comes back, with no other request under way', async () => {
    const client = await answeredClient();
    try {
      app.ctx.setFreeVars(300);
      client.socket.write('GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
      await sleep(200);
      assert.strictEqual(client.text, '', 'nothing answered while memory is short');
      app.ctx.setFreeVars(null);
      for (let i = 0; i < 200 && !/\r\n\r\nx$/.test(client.text); i++) await sleep(5);
      assert.match(client.text, /^HTTP\/1\.1 200 [^]*\r\n\r\nx$/);
    } finally {
      app.ctx.setFreeVars(null);
      client.socket.destroy();
    }
  });

  it('holds a response back while free memory is short, then sends all of it once there is room', async () => {
    const socket = net.connect(app.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (d) => { received = Buffer.concat([received, d]); });
    try {
      await new Promise((r) => socket.on('connect', r));
      socket.write('GET /big-later HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => setTimeout(r, 50));
      // Below half the reserve (128 of 256) plus a slice: nothing may be written.
      app.ctx.setFreeVars(140);
      await new Promise((r) => setTimeout(r, 900));
      assert.strictEqual(received.length, 0, 'wrote while memory was short');
      app.ctx.setFreeVars(null);
      const deadline = Date.now() + 5000;
      while (received.indexOf('\r\n\r\n') < 0 || received.length < received.indexOf('\r\n\r\n') + 4 + 20000) {
        if (Date.now() > deadline) throw new Error('response incomplete: ' + received.length + ' bytes');
        await new Promise((r) => setTimeout(r, 20));
      }
      const text = received.toString('latin1');
      assert.match(text, /^HTTP\/1\.1 200 /);
      assert.strictEqual(text.substring(text.indexOf('\r\n\r\n') + 4), 'z'.repeat(20000));
    } finally {
      app.ctx.setFreeVars(null);
      socket.destroy();
    }
  });

  it('refuses a body that would eat the reserve with 503 before reading it, and closes', async () => {
    app.ctx.setFreeVars(1000);
    try {
      const big = await rawRequest(app.port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n' + 'b'.repeat(10000));
      assert.strictEqual(big.status, 503);
      assert.strictEqual(big.closed, true);
      const small = await rawRequest(app.port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n' + 'b'.repeat(100));
      assert.strictEqual(small.status, 200);
    } finally {
      app.ctx.setFreeVars(null);
    }
  });

  it('stops buffering a chunked body when memory runs short while it arrives', async () => {
    const socket = net.connect(app.port, '127.0.0.1');
    const received = [];
    socket.on('data', (d) => received.push(d));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n' + 'c'.repeat(1024) + '\r\n');
    await new Promise((r) => setTimeout(r, 100));
    app.ctx.setFreeVars(270); // what a board would show as the body grows
    socket.write('400\r\n' + 'c'.repeat(1024) + '\r\n0\r\n\r\n');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
    app.ctx.setFreeVars(null);
    socket.destroy();
    assert.match(Buffer.concat(received).toString(), /^HTTP\/1\.1 503 /);
  });
});
