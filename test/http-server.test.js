// The HTTP/1.1 server end to end: the built bundle on the Node shim, real loopback sockets, real
// clients (fetch) and raw sockets for what real clients refuse to send.
'use strict';

const assert = require('assert');
const { startApp, standardApp } = require('./helpers/app');
const { exchange, parseResponses, rawRequest } = require('./helpers/raw');

const ROUTES = `
  WebRoute(GET, '/hello', function (m, request) { request.Response.ReturnOk('Hello, world'); });
  WebRoute(GET, '/users/<id>/profile/<property>', 'profile', function (m, request, args) {
    request.Response.ReturnOkJSON({ id: args.id, property: args.property, path: lib.PathFromRoute('profile', args) });
  });
  WebRoute(GET, '/text/<value>', function (m, request, args) { request.Response.ReturnOkJSON({ value: args.value, path: request.Path }); });
  WebRoute(POST, '/echo', function (m, request) {
    request.Response.ReturnOkJSON({ length: request.ContentLength, content: request.Content, type: request.ContentType });
  });
  WebRoute(POST, '/form', function (m, request) { request.Response.ReturnOkJSON(request.GetPostedURLEncodedForm()); });
  WebRoute(POST, '/json', function (m, request) { request.Response.ReturnOkJSON({ got: request.GetPostedJSONObject() }); });
  WebRoute(GET, '/request', function (m, request) {
    request.Response.ReturnOkJSON({
      method: request.Method, path: request.Path, query: request.QueryString, params: request.QueryParams,
      host: request.Host, accept: request.Accept, encodings: request.AcceptEncodings, languages: request.AcceptLanguages,
      cookies: request.Cookies, keepAlive: request.IsKeepAlive, version: request.HttpVer, agent: request.UserAgent,
      custom: request.GetHeader('X-Custom'), missing: request.GetHeader('X-Missing'), ssl: request.IsSSL,
      address: request.UserAddress,
    });
  });
  WebRoute(GET, '/throws', function () { throw new Error('boom'); });
  WebRoute(GET, '/later', function (m, request) { setTimeout(function () { request.Response.ReturnOk('later'); }, 50); });
  WebRoute(GET, '/never', function () { });
  WebRoute(GET, '/status/<code>', function (m, request, args) { request.Response.Return(args.code); });
  WebRoute(GET, '/binary', function (m, request) { request.Response.ReturnOk(new Uint8Array([0, 1, 2, 255])); });
  WebRoute(GET, '/utf8', function (m, request) { request.Response.ReturnOk('caf\\u00e9 \\u20ac'); });
  WebRoute(GET, '/basic', function (m, request) {
    if (request.CheckBasicAuth('Admin', 'pa:ss')) request.Response.ReturnOk('welcome');
    else request.Response.ReturnBasicAuthRequired();
  });
  WebRoute(GET, '/bearer', function (m, request) {
    if (request.CheckBearerAuth('t0ken')) request.Response.ReturnOk('welcome');
    else request.Response.ReturnBearerAuthRequired();
  });
  WebRoute(GET, '/realm', function (m, request) { request.Response.ReturnUnauthorized('Basic', 'My "Realm"'); });
  WebRoute(GET, '/redirect', function (m, request) { request.Response.ReturnRedirect('/hello'); });
  WebRoute(GET, '/inject', function (m, request) { request.Response.SetHeader('X-Bad', 'a\\r\\nSet-Cookie: x=1'); request.Response.ReturnOk('no'); });
  WebRoute(GET, '/headers', function (m, request) {
    var r = request.Response;
    r.SetHeader('X-One', 1); r.SetHeader('x-one', 'replaced'); r.AccessControlAllowOrigin = 'https://example.org';
    r.ContentType = 'text/plain'; r.ContentCharset = 'ISO-8859-1';
    r.ReturnOk('abc');
  });
  WebRoute(GET, '/own-headers', function (m, request) {
    var r = request.Response;
    r.SetHeader('cache-control', 'max-age=60'); r.SetHeader('Content-Type', 'text/csv');
    r.SetHeader('Access-Control-Allow-Origin', '*'); r.AccessControlAllowOrigin = 'https://example.org';
    r.ReturnOk('a,b');
  });
  var sentCount = 0;
  WebRoute(GET, '/onsent', function (m, request) {
    request.Response.OnSent = function () { sentCount++; };
    request.Response.ReturnOk('x');
  });
  WebRoute(GET, '/sent-count', function (m, request) { request.Response.ReturnOkJSON({ sentCount: sentCount }); });
  WebRoute(GET, '/stream/<size>', function (m, request, args) {
    var remaining = args.size, i = 0;
    request.Response.ReturnStream(200, { read: function (n) {
      if (remaining <= 0) return undefined;
      var k = Math.min(n, remaining, 700); remaining -= k; var s = '';
      while (k-- > 0) s += String.fromCharCode(97 + (i++ % 26));
      return s;
    } });
  });
  WebRoute(GET, '/stream-length', function (m, request) {
    request.Response.ContentLength = 5;
    request.Response.ReturnStream(200, 'abcdefgh');
  });
  WebRoute(GET, '/file', function (m, request) { request.Response.ReturnFile('www/style.css', 'r\\u00e9sum\\u00e9 "1".css'); });
  WebRoute(GET, '/missing-file', function (m, request) { request.Response.ReturnFile('www/nope.css'); });
  WebRoute(PUT, '/only-put', function (m, request) { request.Response.ReturnOk('put'); });
`;

describe('HTTP server (bundle on the shim, real sockets)', function () {
  this.timeout(20000);
  let app;
  before(async () => {
    app = await startApp(standardApp(ROUTES, 'mws2.HandlerTimeoutSec = 1; mws2.RequestsTimeoutSec = 2;'));
  });
  after(async () => { if (app) await app.close(); });

  const get = (path, init) => fetch(app.url + path, init);

  describe('routes', () => {
    it('answers a route with 200, Content-Length, Server and Date headers', async () => {
      const res = await get('/hello');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(await res.text(), 'Hello, world');
      assert.strictEqual(res.headers.get('content-length'), '12');
      assert.strictEqual(res.headers.get('content-type'), 'text/html; charset=UTF-8');
      assert.match(res.headers.get('server'), /MicroWebSrv2/);
      assert.match(res.headers.get('date'), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    });

    it('passes route arguments: all-digit values as integers, others with their case kept', async () => {
      const res = await get('/users/123/profile/FirstName');
      assert.deepStrictEqual(await res.json(), { id: 123, property: 'FirstName', path: '/users/123/profile/FirstName' });
    });

    it('percent-decodes arguments as UTF-8 and keeps "+" literal in paths', async () => {
      const res = await get('/text/caf%C3%A9+cr%C3%A8me');
      assert.deepStrictEqual(await res.json(), { value: 'café+crème', path: '/text/café+crème' });
    });

    it('keeps an encoded slash inside its argument', async () => {
      const res = await get('/text/a%2Fb');
      assert.strictEqual((await res.json()).value, 'a/b');
    });

    it('tolerates one trailing slash', async () => {
      assert.strictEqual((await get('/hello/')).status, 200);
    });

    it('matches literal segments exactly (case-sensitive)', async () => {
      assert.strictEqual((await get('/HELLO')).status, 404);
    });

    it('answers HEAD on a GET route with headers only', async () => {
      const res = await rawRequest(app.port, 'HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n', { headRequests: 1 });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers['content-length'], '12');
      assert.ok(!res.raw.toString().includes('Hello, world'));
    });

    it('answers 405 with Allow for a method the path has no route for', async () => {
      const res = await get('/hello', { method: 'POST', body: 'x' });
      assert.strictEqual(res.status, 405);
      assert.strictEqual(res.headers.get('allow'), 'GET, HEAD, OPTIONS');
      const put = await get('/only-put');
      assert.strictEqual(put.status, 405);
      assert.strictEqual(put.headers.get('allow'), 'PUT, OPTIONS');
    });

    it('answers 501 for an unknown method and treats methods as case-sensitive', async () => {
      assert.strictEqual((await rawRequest(app.port, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n')).status, 501);
      assert.strictEqual((await rawRequest(app.port, 'get /hello HTTP/1.1\r\nHost: x\r\n\r\n')).status, 501);
    });

    it('answers a handler that throws with 500, logs it, and keeps serving', async () => {
      const res = await get('/throws');
      assert.strictEqual(res.status, 500);
      assert.ok(app.logs.some((l) => /boom/.test(l)), 'log line with the error');
      assert.strictEqual((await get('/hello')).status, 200);
    });

    it('lets a handler answer later, from a timer', async () => {
      const res = await get('/later');
      assert.strictEqual(await res.text(), 'later');
    });

    it('ends a handler that never answers with 500 after HandlerTimeoutSec, and logs it', async () => {
      const started = Date.now();
      const res = await get('/never');
      assert.strictEqual(res.status, 500);
      assert.ok(Date.now() - started >= 900);
      assert.ok(app.logs.some((l) => /No response from the handler of GET \/never/.test(l)));
    });
  });

  describe('requests', () => {
    it('exposes request properties', async () => {
      const res = await get('/request?a=1&b=x+y&a=2&c&d=%C3%A9', {
        headers: {
          Accept: 'text/html, application/json;q=0.9', 'Accept-Language': 'fr, en', 'Accept-Encoding': 'gzip, br',
          Cookie: 'a=1; b=2', 'X-Custom': 'yes', 'User-Agent': 'test-agent',
        },
      });
      const body = await res.json();
      assert.strictEqual(body.method, 'GET');
      assert.strictEqual(body.path, '/request');
      assert.strictEqual(body.query, 'a=1&b=x+y&a=2&c&d=%C3%A9');
      assert.deepStrictEqual(body.params, { a: '2', b: 'x y', c: '', d: 'é' });
      assert.strictEqual(body.host, '127.0.0.1:' + app.port);
      assert.deepStrictEqual(body.accept, ['text/html', 'application/json;q=0.9']);
      assert.deepStrictEqual(body.languages, ['fr', 'en']);
      assert.deepStrictEqual(body.encodings, ['gzip', 'br']);
      assert.deepStrictEqual(body.cookies, ['a=1', 'b=2']);
      assert.strictEqual(body.keepAlive, true);
      assert.strictEqual(body.version, '1.1');
      assert.strictEqual(body.agent, 'test-agent');
      assert.strictEqual(body.custom, 'yes');
      assert.strictEqual(body.missing, '');
      assert.strictEqual(body.ssl, false);
      assert.strictEqual(body.address[0], '127.0.0.1');
    });

    it('reads a Content-Length body', async () => {
      const res = await get('/echo', { method: 'POST', body: 'hello body', headers: { 'Content-Type': 'text/plain' } });
      assert.deepStrictEqual(await res.json(), { length: 10, content: 'hello body', type: 'text/plain' });
    });

    it('decodes a chunked body', async () => {
      const res = await rawRequest(app.port,
        'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n');
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(JSON.parse(res.text), { length: 11, content: 'hello world', type: '' });
    });

    it('answers Expect: 100-continue before the body', async () => {
      const { data } = await exchange(app.port, [
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n', 'abc'], { gapMs: 100 });
      const text = data.toString();
      assert.ok(text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK'), text);
    });

    it('parses urlencoded forms (+ is a space, last repeated key wins)', async () => {
      const res = await get('/form', {
        method: 'POST', body: 'firstname=Jean+Claude&lastname=Dupont%20%C3%A9&x=1&x=2',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      });
      assert.deepStrictEqual(await res.json(), { firstname: 'Jean Claude', lastname: 'Dupont é', x: '2' });
    });

    it('parses JSON bodies, and gives null for invalid JSON or another type', async () => {
      const ok = await get('/json', { method: 'POST', body: '{"a":[1,"é"]}', headers: { 'Content-Type': 'application/json' } });
      assert.deepStrictEqual(await ok.json(), { got: { a: [1, 'é'] } });
      const bad = await get('/json', { method: 'POST', body: '{bad', headers: { 'Content-Type': 'application/json' } });
      assert.deepStrictEqual(await bad.json(), { got: null });
      const other = await get('/json', { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } });
      assert.deepStrictEqual(await other.json(), { got: null });
    });

    it('accepts absolute-form targets and ignores leading empty lines', async () => {
      const res = await rawRequest(app.port, `\r\n\r\nGET http://127.0.0.1:${app.port}/hello HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.text, 'Hello, world');
    });

    it('serves a request that arrives one byte at a time', async () => {
      const request = 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd';
      const res = await rawRequest(app.port, request.split(''), { gapMs: 2, idleMs: 600 });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(JSON.parse(res.text).content, 'abcd');
    });
  });

  describe('responses', () => {
    it('sends UTF-8 text and binary content', async () => {
      const text = await get('/utf8');
      assert.strictEqual(await text.text(), 'café €');
      assert.strictEqual(text.headers.get('content-length'), String(Buffer.byteLength('café €')));
      const bin = await get('/binary');
      assert.strictEqual(bin.headers.get('content-type'), 'application/octet-stream');
      assert.deepStrictEqual([...new Uint8Array(await bin.arrayBuffer())], [0, 1, 2, 255]);
    });

    it('sends 204 and 304 without content, and a status page otherwise', async () => {
      const noContent = await rawRequest(app.port, 'GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.strictEqual(noContent.status, 204);
      assert.strictEqual(noContent.headers['content-length'], undefined);
      assert.strictEqual(noContent.body.length, 0);
      const notModified = await rawRequest(app.port, 'GET /status/304 HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.strictEqual(notModified.status, 304);
      assert.strictEqual(notModified.all.length, 1);
      const page = await get('/status/418');
      assert.strictEqual(page.status, 418);
      assert.match(await page.text(), /MicroWebSrv2 - \[418\]/);
    });

    it('applies SetHeader, ContentType, ContentCharset and AccessControlAllowOrigin', async () => {
      const res = await get('/headers');
      assert.strictEqual(res.headers.get('x-one'), 'replaced');
      assert.strictEqual(res.headers.get('content-type'), 'text/plain; charset=ISO-8859-1');
      assert.strictEqual(res.headers.get('access-control-allow-origin'), 'https://example.org');
    });

    it('sends a Cache-Control, Content-Type or Access-Control-Allow-Origin the handler set once, as set', async () => {
      const res = await rawRequest(app.port, 'GET /own-headers HTTP/1.1\r\nHost: x\r\n\r\n');
      const head = res.raw.toString('latin1').split('\r\n\r\n')[0];
      const fields = (name) => head.split('\r\n').filter((l) => l.toLowerCase().startsWith(name + ':'));
      assert.deepStrictEqual(fields('cache-control'), ['cache-control: max-age=60']);
      assert.deepStrictEqual(fields('content-type'), ['Content-Type: text/csv']);
      assert.deepStrictEqual(fields('access-control-allow-origin'), ['Access-Control-Allow-Origin: *']);
    });

    it('refuses header injection through SetHeader (500, nothing injected)', async () => {
      const res = await rawRequest(app.port, 'GET /inject HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.strictEqual(res.status, 500);
      assert.ok(!res.raw.toString().includes('Set-Cookie'));
    });

    it('redirects with 307 and Location', async () => {
      const res = await get('/redirect', { redirect: 'manual' });
      assert.strictEqual(res.status, 307);
      assert.strictEqual(res.headers.get('location'), '/hello');
    });

    it('checks Basic auth, splitting user:password at the first colon (RFC 7617)', async () => {
      const denied = await get('/basic');
      assert.strictEqual(denied.status, 401);
      assert.strictEqual(denied.headers.get('www-authenticate'), 'Basic');
      const auth = (s) => ({ headers: { Authorization: 'Basic ' + Buffer.from(s).toString('base64') } });
      assert.strictEqual((await get('/basic', auth('admin:pa:ss'))).status, 200);
      assert.strictEqual((await get('/basic', auth('admin:pa'))).status, 401);
      assert.strictEqual((await get('/basic', { headers: { Authorization: 'Basic !!!' } })).status, 401);
    });

    it('checks Bearer auth and quotes realms safely', async () => {
      assert.strictEqual((await get('/bearer', { headers: { Authorization: 'bearer t0ken' } })).status, 200);
      const denied = await get('/bearer', { headers: { Authorization: 'Bearer nope' } });
      assert.strictEqual(denied.headers.get('www-authenticate'), 'Bearer');
      const realm = await get('/realm');
      assert.strictEqual(realm.headers.get('www-authenticate'), `Basic realm="My 'Realm'"`);
    });

    it('calls OnSent once the response is sent', async () => {
      await (await get('/onsent')).text();
      // OnSent runs once the socket drained the response, a moment after the client has it.
      let count = 0;
      for (let i = 0; i < 100 && count === 0; i++) {
        count = (await (await get('/sent-count')).json()).sentCount;
        if (count === 0) await new Promise((r) => setTimeout(r, 20));
      }
      assert.strictEqual(count, 1);
    });

    for (const size of [0, 1, 1024, 2048, 3000]) {
      it(`streams ${size} bytes chunked, always ending with the 0 chunk`, async () => {
        const res = await rawRequest(app.port, `GET /stream/${size} HTTP/1.1\r\nHost: x\r\n\r\n`);
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers['transfer-encoding'], 'chunked');
        assert.strictEqual(res.body.length, size);
        assert.ok(res.raw.toString('latin1').endsWith('0\r\n\r\n'));
        assert.strictEqual(res.closed, false, 'keep-alive connection stays open');
      });
    }

    it('streams with a fixed ContentLength when set', async () => {
      const res = await rawRequest(app.port, 'GET /stream-length HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.strictEqual(res.headers['content-length'], '5');
      assert.strictEqual(res.text, 'abcde');
    });

    it('sends a file as an attachment with RFC 6266 filename*', async () => {
      const res = await get('/file');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers.get('content-type'), 'text/css');
      assert.strictEqual(res.headers.get('content-disposition'),
        `attachment; filename="r_sum_ \\"1\\".css"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.css`);
      assert.strictEqual(await res.text(), require('fs').readFileSync(require('path').join(__dirname, '../www/style.css'), 'utf8'));
    });

    it('answers ReturnFile of a missing file with not found', async () => {
      assert.strictEqual((await get('/missing-file')).status, 404);
    });
  });

  describe('connections', () => {
    it('keeps HTTP/1.1 connections open by default and closes on Connection: close', async () => {
      const { data, closed } = await exchange(app.port,
        'GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const responses = parseResponses(data);
      assert.strictEqual(responses.length, 2);
      assert.strictEqual(responses[0].headers.connection, 'keep-alive');
      assert.strictEqual(responses[1].headers.connection, 'close');
      assert.strictEqual(closed, true);
    });

    it('closes HTTP/1.0 connections unless keep-alive is asked for', async () => {
      const plain = await rawRequest(app.port, 'GET /hello HTTP/1.0\r\n\r\n');
      assert.strictEqual(plain.status, 200);
      assert.strictEqual(plain.closed, true);
      const kept = await rawRequest(app.port, 'GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      assert.strictEqual(kept.headers.connection, 'keep-alive');
      assert.strictEqual(kept.closed, false);
    });

    it('answers pipelined requests in order', async () => {
      const { data } = await exchange(app.port,
        'GET /later HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /users/7/profile/x HTTP/1.1\r\nHost: x\r\n\r\n');
      const responses = parseResponses(data);
      assert.deepStrictEqual(responses.map((r) => r.text), ['later', 'Hello, world', '{"id":7,"property":"x","path":"/users/7/profile/x"}']);
    });

    it('keeps the connection after an error response to a complete request', async () => {
      const { data, closed } = await exchange(app.port, 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
      const responses = parseResponses(data);
      assert.deepStrictEqual(responses.map((r) => r.status), [404, 200]);
      assert.strictEqual(closed, false);
    });

    it('closes an idle keep-alive connection silently after RequestsTimeoutSec', async () => {
      const started = Date.now();
      const { data, closed } = await exchange(app.port, 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n', { idleMs: 5000 });
      assert.strictEqual(closed, true);
      assert.strictEqual(parseResponses(data).length, 1);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 1500 && elapsed < 4500, 'closed after about 2 s: ' + elapsed);
    });

    it('answers 408 to a request trickling in one header line at a time (slow loris)', async () => {
      const lines = ['GET /hello HTTP/1.1\r\n', 'Host: x\r\n', 'A: 1\r\n', 'B: 1\r\n', 'C: 1\r\n', 'D: 1\r\n', 'E: 1\r\n', 'F: 1\r\n'];
      const started = Date.now();
      const res = await rawRequest(app.port, lines, { gapMs: 400, idleMs: 3000 });
      assert.strictEqual(res.status, 408);
      assert.strictEqual(res.closed, true);
      assert.ok(Date.now() - started < 3600);
    });
  });

  describe('bad input gets the right status and never stops the server', () => {
    const cases = [
      ['a malformed request line', 'GET /\r\n\r\n', 400],
      ['an HTTP/1.1 request without Host', 'GET /hello HTTP/1.1\r\n\r\n', 400],
      ['conflicting Content-Length', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde', 400],
      ['a negative Content-Length', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
      ['whitespace before a header colon', 'GET /hello HTTP/1.1\r\nHost : x\r\n\r\n', 400],
      ['an obs-fold header line', 'GET /hello HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n', 400],
      ['an unknown transfer coding', 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
      ['HTTP/2.0 in a request line', 'GET /hello HTTP/2.0\r\nHost: x\r\n\r\n', 505],
      ['a path that decodes to invalid UTF-8', 'GET /%C3%28 HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['a NUL in the path', 'GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['a request line longer than BufferSlotSize', 'GET /' + 'a'.repeat(1100) + ' HTTP/1.1\r\nHost: x\r\n\r\n', 414],
      ['a header section larger than two slots', 'GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'b'.repeat(2100) + '\r\n\r\n', 431],
      ['more than 100 header lines', 'GET /hello HTTP/1.1\r\nHost: x\r\n' + 'X-H: 1\r\n'.repeat(101) + '\r\n', 431],
      ['a body over MaxRequestContentLength', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n', 413],
    ];
    for (const [what, request, status] of cases) {
      it(`answers ${status} to ${what}`, async () => {
        const res = await rawRequest(app.port, request);
        assert.strictEqual(res.status, status);
        assert.strictEqual((await get('/hello')).status, 200);
      });
    }

    it('closes the connection after a request it could not parse', async () => {
      const res = await rawRequest(app.port, 'GET /\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.strictEqual(res.closed, true);
      assert.strictEqual(res.all.length, 1);
    });

    it('survives random garbage on many connections', async () => {
      const fc = require('fast-check');
      await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), async (bytes) => {
        await exchange(app.port, Buffer.from(bytes), { idleMs: 30 });
      }), { numRuns: 40 });
      assert.strictEqual((await get('/hello')).status, 200);
      assert.deepStrictEqual(app.ctx.uncaught, []);
    });

    it('never hands the socket more than one slot per write', async () => {
      await (await get('/stream/20000')).arrayBuffer();
      assert.ok(app.ctx.stats.largestWrite <= 1024 + 24, 'largest write ' + app.ctx.stats.largestWrite);
    });
  });
});
