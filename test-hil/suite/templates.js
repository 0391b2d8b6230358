// A .pyhtml page under RootPath, rendered by the PyhtmlTemplate module.
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const http = require('../lib/http-client');
const { requireFeature, boardChecks } = require('../lib/suite-helpers');

describe('templates', function () {
  const rig = session.get();
  const get = (path) => http.request(rig.httpTarget(), http.simple('GET', path));
  requireFeature('templates', 'the PyhtmlTemplate bundle is not loaded or the board has no file system');

  it('renders expressions, loops and conditions with the request in scope', async () => {
    const res = await get('/page.pyhtml?n=7');
    assert.strictEqual(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.match(res.text, /<p>next=8<\/p>/);
    assert.match(res.text, /<ul><li>1<\/li><li>2<\/li><li>3<\/li><\/ul>/);
    assert.match(res.text, /<p>big<\/p>/);
  });

  it('HTML-escapes expression values', async () => {
    const res = await get('/page.pyhtml');
    assert.match(res.text, /<p>&lt;b&gt;<\/p>/);
    assert.match(res.text, /<p>small<\/p>/);
  });

  boardChecks('templates');
});
