// Bad requests get the right status, and the server keeps serving after each.
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const http = require('../lib/http-client');
const { boardChecks } = require('../lib/suite-helpers');

const CASES = [
  ['a malformed request line', 'GET /\r\n\r\n', 400],
  ['an HTTP/1.1 request without Host', 'GET /hil/hello HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
  ['a path with no route and no file', http.simple('GET', '/hil/missing'), 404],
  ['a method the route does not take', http.simple('POST', '/hil/hello', { body: 'x' }), 405],
  ['a body over MaxRequestContentLength', 'POST /hil/echo HTTP/1.1\r\nHost: hil\r\nContent-Length: 20000\r\n\r\n', 413],
  ['a request line longer than BufferSlotSize', http.simple('GET', '/' + 'a'.repeat(1100)), 414],
  ['a header section larger than two slots', http.simple('GET', '/hil/hello', { headers: { 'X-Big': 'b'.repeat(2100) } }), 431],
  ['an unknown method', 'FOO /hil/hello HTTP/1.1\r\nHost: hil\r\nConnection: close\r\n\r\n', 501],
];

describe('error statuses', function () {
  const rig = session.get();

  for (const [what, raw, status] of CASES) {
    it('answers ' + status + ' to ' + what + ', then serves the next request', async () => {
      const res = await http.request(rig.httpTarget(), raw);
      assert.strictEqual(res.status, status);
      const next = await http.request(rig.httpTarget(), http.simple('GET', '/hil/hello'));
      assert.strictEqual(next.status, 200);
    });
  }

  it('answers 405 with the methods the path takes in Allow', async () => {
    const res = await http.request(rig.httpTarget(), http.simple('GET', '/hil/only-put'));
    assert.strictEqual(res.status, 405);
    assert.strictEqual(res.headers.allow, 'PUT, OPTIONS');
  });

  boardChecks('error statuses');
});
