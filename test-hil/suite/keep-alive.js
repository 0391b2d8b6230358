// Persistent connections: reuse, closing on request, pipelining, and the idle time-out.
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const http = require('../lib/http-client');
const { boardChecks } = require('../lib/suite-helpers');

const HELLO = 'GET /hil/hello HTTP/1.1\r\nHost: hil\r\n\r\n';

describe('keep-alive', function () {
  const rig = session.get();

  it('serves two requests on one HTTP/1.1 connection and keeps it open', async () => {
    const result = await http.exchange(rig.httpTarget(), [HELLO, HELLO], { expect: 2, gapMs: 100, waitClose: 300 });
    assert.deepStrictEqual(result.responses.map((r) => r.status), [200, 200]);
    assert.strictEqual(result.responses[1].headers.connection, 'keep-alive');
    assert.strictEqual(result.closed, false);
  });

  it('closes the connection after a response to Connection: close', async () => {
    const result = await http.exchange(rig.httpTarget(), [HELLO, http.simple('GET', '/hil/hello')], { expect: 2, gapMs: 100, waitClose: 3000 });
    assert.deepStrictEqual(result.responses.map((r) => r.headers.connection), ['keep-alive', 'close']);
    assert.strictEqual(result.closed, true);
  });

  it('closes an HTTP/1.0 connection unless keep-alive is asked for', async () => {
    const plain = await http.exchange(rig.httpTarget(), 'GET /hil/hello HTTP/1.0\r\n\r\n', { waitClose: 3000 });
    assert.strictEqual(plain.responses[0].status, 200);
    assert.strictEqual(plain.closed, true);
    const kept = await http.exchange(rig.httpTarget(), 'GET /hil/hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { waitClose: 300 });
    assert.strictEqual(kept.responses[0].headers.connection, 'keep-alive');
    assert.strictEqual(kept.closed, false);
  });

  it('answers pipelined requests in order, a late one first', async () => {
    const result = await http.exchange(rig.httpTarget(),
      'GET /hil/later HTTP/1.1\r\nHost: hil\r\n\r\n' + HELLO + 'GET /hil/args/7/x HTTP/1.1\r\nHost: hil\r\n\r\n', { expect: 3 });
    assert.deepStrictEqual(result.responses.map((r) => r.text), ['later', 'Hello, HIL', '{"id":7,"name":"x"}']);
  });

  it('closes an idle keep-alive connection after RequestsTimeoutSec (2 s)', async () => {
    const result = await http.exchange(rig.httpTarget(), HELLO, { waitClose: 6000, timeoutMs: 8000 });
    assert.strictEqual(result.responses.length, 1);
    assert.strictEqual(result.closed, true);
    assert.ok(result.elapsedMs >= 1500 && result.elapsedMs < 5000, 'closed after ' + result.elapsedMs + ' ms');
  });

  boardChecks('keep-alive');
});
