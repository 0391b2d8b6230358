// Routes of the test app, over the network: handlers, arguments, bodies, late answers, errors.
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const http = require('../lib/http-client');
const { boardChecks } = require('../lib/suite-helpers');

describe('routes', function () {
  const rig = session.get();
  const get = (path, options) => http.request(rig.httpTarget(), http.simple('GET', path, options));

  it('answers a GET route with 200, its content and Content-Length', async () => {
    const res = await get('/hil/hello');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.text, 'Hello, HIL');
    assert.strictEqual(res.headers['content-length'], '10');
    assert.match(res.headers.server || '', /MicroWebSrv2/);
  });

  it('passes route arguments, all-digit ones as numbers', async () => {
    const res = await get('/hil/args/42/Ada');
    assert.deepStrictEqual(JSON.parse(res.text), { id: 42, name: 'Ada' });
  });

  it('reads a POST body with its Content-Type', async () => {
    const res = await http.request(rig.httpTarget(), http.simple('POST', '/hil/echo', {
      body: 'hello board', headers: { 'Content-Type': 'text/plain' },
    }));
    assert.deepStrictEqual(JSON.parse(res.text), { length: 11, content: 'hello board', type: 'text/plain' });
  });

  it('lets a handler answer later, from a timer', async () => {
    const res = await get('/hil/later');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.text, 'later');
  });

  it('answers 500 to a handler that throws, and the board logs the error on its console', async () => {
    const logsBefore = rig.console.logs.length;
    const res = await get('/hil/throws');
    assert.strictEqual(res.status, 500);
    await rig.console.evaluate('1');
    assert.ok(rig.console.logsSince(logsBefore).some((line) => /hil-boom/.test(line)),
      'console lines: ' + JSON.stringify(rig.console.logsSince(logsBefore)));
  });

  it('streams a 3000-byte body in chunks, ending with the 0 chunk', async () => {
    const res = await get('/hil/stream/3000');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers['transfer-encoding'], 'chunked');
    assert.strictEqual(res.body.length, 3000);
    assert.strictEqual(res.text.slice(0, 28), 'abcdefghijklmnopqrstuvwxyzab');
  });

  boardChecks('routes');
});
