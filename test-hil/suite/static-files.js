// Files under RootPath (written there by the test app when the board has a file system).
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const http = require('../lib/http-client');
const { requireFeature, boardChecks } = require('../lib/suite-helpers');

describe('static files', function () {
  const rig = session.get();
  const get = (path) => http.request(rig.httpTarget(), http.simple('GET', path));
  requireFeature('files', 'the board has no file system for RootPath');

  it('serves a text file with its MIME type', async () => {
    const res = await get('/hello.txt');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.text, 'Hello from RootPath\n');
    assert.match(res.headers['content-type'], /^text\/plain/);
  });

  it('serves the default page for /', async () => {
    const res = await get('/');
    assert.strictEqual(res.status, 200);
    assert.match(res.text, /HIL index/);
    assert.match(res.headers['content-type'], /^text\/html/);
  });

  it('serves all 256 byte values byte for byte', async () => {
    const res = await get('/bytes.png');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers['content-type'], 'image/png');
    assert.deepStrictEqual([...res.body], Array.from({ length: 256 }, (_, i) => i));
  });

  it('refuses a file type it has no MIME type for with 403', async () => {
    assert.strictEqual((await get('/unknown.bin')).status, 403);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await http.request(rig.httpTarget(), http.simple('HEAD', '/hello.txt'), { headRequests: 1 });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers['content-length'], '20');
    assert.strictEqual(res.body.length, 0);
  });

  it('answers 404 for a missing file', async () => {
    assert.strictEqual((await get('/nothing-here.txt')).status, 404);
  });

  boardChecks('static files');
});
