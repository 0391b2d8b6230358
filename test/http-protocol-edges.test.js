// Edge cases of HTTP/1.1 framing that a public parser test corpus found, end to end: the built
// bundle on the Node shim, raw sockets, and what each case does to the connection. The parser's
// byte-level rules for the same cases are in request-parser.test.js.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { startApp, standardApp } = require('./helpers/app');
const { exchange, parseResponses, rawRequest } = require('./helpers/raw');

const ROUTES = `
  WebRoute(GET, '/hello', function (m, request) { request.Response.ReturnOk('Hello, world'); });
  WebRoute(POST, '/echo', function (m, request) { request.Response.ReturnOk('got ' + request.ContentLength); });
  WebRoute(PUT, '/only-put', function (m, request) { request.Response.ReturnOk('put'); });
  // A handler that answers without a look at the body (the server has read it all the same).
  WebRoute(POST, '/deny', function (m, request) { request.Response.ReturnUnauthorized('Basic', 'x'); });
`;

const INDEX = fs.readFileSync(path.join(__dirname, '../www/index.html'));
const GET_HELLO = 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n';
/** A request hidden in a body: parsed as one, it would be answered (a smuggled request). */
const SMUGGLED = 'GET /hello?smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

describe('HTTP protocol edge cases (corpus classes)', function () {
  let app;
  before(async () => { app = await startApp(standardApp(ROUTES)); });
  after(async () => { await app.close(); });

  /** Every response on one connection, and whether the server closed it. */
  async function responsesTo(parts, options) {
    const { data, closed } = await exchange(app.port, parts, options);
    return { responses: parseResponses(data), closed };
  }

  describe('control characters in header values (RFC 9110 §5.5)', () => {
    for (const [name, byte] of [['0x01', '\x01'], ['DEL', '\x7f'], ['NUL', '\x00'], ['a bare CR', '\r'], ['ESC', '\x1b']]) {
      it(`answers 400 and closes for ${name} in a value`, async () => {
        const { responses, closed } = await responsesTo(Buffer.from(`GET /hello HTTP/1.1\r\nHost: x\r\nX-Test: a${byte}b\r\n\r\n${GET_HELLO}`, 'latin1'));
        assert.deepStrictEqual(responses.map((r) => r.status), [400]);
        assert.strictEqual(responses[0].headers.connection, 'close');
        assert.strictEqual(closed, true);
      });
    }

    it('serves a value with HTAB and obs-text bytes', async () => {
      const res = await rawRequest(app.port, Buffer.from('GET /hello HTTP/1.1\r\nHost: x\r\nX-Test: a\tb\xe9\r\nConnection: close\r\n\r\n', 'latin1'));
      assert.strictEqual(res.status, 200);
    });
  });

  describe('line endings and chunk-size lines (RFC 9112 §2.2, §7.1.1)', () => {
    it('answers 400 and closes for a header line ended by a bare LF in a CRLF request', async () => {
      const { responses, closed } = await responsesTo('GET /hello HTTP/1.1\r\nHost: x\nX-Test: 1\r\n\r\n' + GET_HELLO);
      assert.deepStrictEqual(responses.map((r) => r.status), [400]);
      assert.strictEqual(closed, true);
    });

    it('serves a request whose every line ends with a bare LF, and keeps the connection', async () => {
      const { responses, closed } = await responsesTo('GET /hello HTTP/1.1\nHost: x\n\n' + GET_HELLO);
      assert.deepStrictEqual(responses.map((r) => r.text), ['Hello, world', 'Hello, world']);
      assert.strictEqual(closed, false);
    });

    for (const [title, sizeLine] of [['2; (no extension name)', '2;'], ['"a " (a space and no extension)', 'a ']]) {
      it(`answers 400 and closes for the chunk-size line ${title}`, async () => {
        const size = parseInt(sizeLine, 16);
        const body = sizeLine + '\r\n' + 'x'.repeat(size) + '\r\n0\r\n\r\n';
        const { responses, closed } = await responsesTo('POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' + body + GET_HELLO);
        assert.deepStrictEqual(responses.map((r) => r.status), [400]);
        assert.strictEqual(closed, true);
      });
    }

    it('still decodes chunk extensions that follow the grammar', async () => {
      const res = await rawRequest(app.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2 ; a="b;c" ; d\r\nxy\r\n0\r\n\r\n');
      assert.strictEqual(res.text, 'got 2');
    });
  });

  describe('a response sent without reading the body', () => {
    it('throws away a Content-Length body to a 405 path and answers the pipelined request after it', async () => {
      const { responses, closed } = await responsesTo(`POST /only-put HTTP/1.1\r\nHost: x\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${GET_HELLO}`);
      assert.deepStrictEqual(responses.map((r) => r.status), [405, 200]);
      assert.strictEqual(responses[0].headers.connection, 'keep-alive');
      assert.strictEqual(responses[1].text, 'Hello, world');
      assert.strictEqual(closed, false);
    });

    it('throws away a Content-Length body to a 404 path (a GET with a body) and answers the next request', async () => {
      const { responses } = await responsesTo(`GET /missing.html HTTP/1.1\r\nHost: x\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${GET_HELLO}`);
      assert.deepStrictEqual(responses.map((r) => r.status), [404, 200]);
      assert.strictEqual(responses[1].text, 'Hello, world');
    });

    it('reads the body a handler ignores before its 401, and answers the next request', async () => {
      const { responses } = await responsesTo(`POST /deny HTTP/1.1\r\nHost: x\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${GET_HELLO}`);
      assert.deepStrictEqual(responses.map((r) => r.status), [401, 200]);
      assert.strictEqual(responses[1].text, 'Hello, world');
    });

    it('does not read a chunked body to a 405 path: answers with Connection: close and closes', async () => {
      const body = SMUGGLED.length.toString(16) + '\r\n' + SMUGGLED + '\r\n0\r\n\r\n';
      const { responses, closed } = await responsesTo('POST /only-put HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' + body + GET_HELLO);
      assert.deepStrictEqual(responses.map((r) => r.status), [405]);
      assert.strictEqual(responses[0].headers.connection, 'close');
      assert.strictEqual(closed, true);
    });

    it('answers a malformed chunked body to a 405 path with 405 and closes, parsing none of it', async () => {
      const { responses, closed } = await responsesTo('POST /only-put HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nab\r\n0\r\n\r\n' + GET_HELLO);
      assert.deepStrictEqual(responses.map((r) => r.status), [405]);
      assert.strictEqual(responses[0].headers.connection, 'close');
      assert.strictEqual(closed, true);
    });

    it('answers a body above MaxRequestContentLength to a 404 path with 413 and closes', async () => {
      const { responses, closed } = await responsesTo(`GET /missing.html HTTP/1.1\r\nHost: x\r\nContent-Length: ${16 * 1024 + 1}\r\n\r\n` + 'x'.repeat(2000));
      assert.deepStrictEqual(responses.map((r) => r.status), [413]);
      assert.strictEqual(responses[0].headers.connection, 'close');
      assert.strictEqual(closed, true);
    });

    it('answers Expect: 100-continue to a 405 path at once, without 100, and closes', async () => {
      // The client holds the body back until 100 Continue: waiting for it would stall both sides.
      const started = Date.now();
      let firstByteAfter = null;
      const { data, closed } = await new Promise((resolve, reject) => {
        const socket = require('net').connect(app.port, '127.0.0.1');
        const chunks = [];
        socket.on('data', (d) => { if (firstByteAfter === null) firstByteAfter = Date.now() - started; chunks.push(d); });
        socket.on('close', () => resolve({ data: Buffer.concat(chunks), closed: true }));
        socket.on('error', reject);
        socket.write('POST /only-put HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
        setTimeout(() => { socket.destroy(); resolve({ data: Buffer.concat(chunks), closed: false }); }, 1500);
      });
      const responses = parseResponses(data);
      assert.deepStrictEqual(responses.map((r) => r.status), [405]);
      assert.strictEqual(responses[0].headers.connection, 'close');
      assert.strictEqual(closed, true);
      assert.ok(firstByteAfter < 1000, 'answered after ' + firstByteAfter + ' ms');
    });
  });

  describe('absolute-form targets with userinfo (RFC 9112 §3.2.2)', () => {
    it('serves them as the same path in origin form', async () => {
      const res = await rawRequest(app.port, 'GET http://a%12:b!&*$@host:1234/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.text, 'Hello, world');
      const file = await rawRequest(app.port, 'GET http://user@host/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.ok(file.body.equals(INDEX));
    });
  });

  describe('dot segments (RFC 3986 §5.2.4)', () => {
    for (const target of ['/./index.html', '/a/../index.html', '/../index.html', '/a/b/../../../index.html', '/%2e/index.html', '/a/%2E%2e/index.html']) {
      it(`serves ${target} as /index.html`, async () => {
        const res = await rawRequest(app.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        assert.strictEqual(res.status, 200);
        assert.ok(res.body.equals(INDEX));
      });
    }

    it('removes them before routing', async () => {
      const res = await rawRequest(app.port, 'GET /x/../hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.strictEqual(res.text, 'Hello, world');
    });

    for (const target of ['/..%2fpackage.json', '/..%2F..%2Fpackage.json', '/%2e%2e%2fpackage.json', '/www/..%2f..%2fpackage.json']) {
      it(`does not leave the root through an encoded slash: ${target}`, async () => {
        const res = await rawRequest(app.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        assert.strictEqual(res.status, 404);
        assert.ok(!res.raw.toString('latin1').includes('devDependencies'));
      });
    }
  });
});
