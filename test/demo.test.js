// The demo app (demo/main.js), as `npm start` runs it: the original main.py's routes and site.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { startDemo } = require('./helpers/demo');

describe('demo app (npm start)', function () {
  this.timeout(15000);
  let demo;
  before(async () => { demo = await startDemo(); });
  after(async () => demo && demo.close());

  it('serves the home page and its assets', async () => {
    const home = await fetch(demo.url + '/');
    assert.strictEqual(home.status, 200);
    assert.strictEqual(await home.text(), fs.readFileSync(path.join(__dirname, '../www/index.html'), 'utf8'));
    for (const asset of ['/style.css', '/favicon.ico', '/pdf.png', '/test.pdf', '/wstest.html', '/wschat.html']) {
      assert.strictEqual((await fetch(demo.url + asset)).status, 200, asset);
    }
  });

  it('redirects /test-redir to /test.pdf', async () => {
    const res = await fetch(demo.url + '/test-redir', { redirect: 'manual' });
    assert.strictEqual(res.status, 307);
    assert.strictEqual(res.headers.get('location'), '/test.pdf');
  });

  it('shows the POST form, then the posted values escaped', async () => {
    const form = await (await fetch(demo.url + '/test-post')).text();
    assert.match(form, /<form action="\/test-post" method="post">/);
    const posted = await fetch(demo.url + '/test-post', {
      method: 'POST', body: 'firstname=Jean+%3Cb%3E&lastname=Dupont',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const text = await posted.text();
    assert.match(text, /First name: Jean &lt;b&gt;<br \/>/);
    assert.match(text, /Last name: Dupont<br \/>/);
  });

  it('answers 400 to a POST without the form fields', async () => {
    const res = await fetch(demo.url + '/test-post', {
      method: 'POST', body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.strictEqual(res.status, 400);
  });

  it('answers the JSON route with its arguments', async () => {
    const res = await fetch(demo.url + '/api/args/42/Alice?x=1');
    assert.deepStrictEqual(await res.json(), { id: 42, name: 'Alice', query: { x: '1' }, path: '/api/args/42/Alice' });
  });

  it('answers a handler that responds later', async () => {
    assert.deepStrictEqual(await (await fetch(demo.url + '/api/later')).json(), { answeredAfterMs: 100 });
  });

  it('redirects unknown paths to / (NotFoundURL)', async () => {
    const res = await fetch(demo.url + '/nowhere', { redirect: 'manual' });
    assert.strictEqual(res.status, 307);
    assert.strictEqual(res.headers.get('location'), '/');
  });

  it('starts with its modules loaded and no uncaught error', () => {
    assert.ok(!demo.logs.some((l) => /not available/.test(l)), demo.logs.join('\n'));
    assert.deepStrictEqual(demo.ctx.uncaught, []);
  });
});
