// The URL path <-> Storage name mapping: the tooling's (scripts/lib/storage-names.js) and the
// server's (storageNameFor, compiled) agree on every path, the mapping is reversible, names over 28
// bytes are reported at build time, and files stored under the tooling's names are served.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const fc = require('fast-check');
const names = require('../scripts/lib/storage-names');
const { storageNameFor: serverNameFor } = require('../build/lib/parts/files/StorageBackend');
const { rawRequest } = require('./helpers/raw');
const { startFilesApp, filesApp } = require('./helpers/files');

/** Path segments as users name files, with the troublesome ones mixed in. */
const segment = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 4, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('.', '..', 'a\\b', 'x\0y', '', 'index.html', 'é') },
);
const urlPath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => '/' + parts.join('/'));
const prefix = fc.constantFrom('w/', 'web_', 'w', 's/site/');

function tooling(prefixValue, p) {
  try {
    return names.storageNameFor(prefixValue, p);
  } catch (error) {
    return null;
  }
}

describe('files: Storage names (scripts/lib/storage-names.js and the server)', () => {
  it('maps /css/style.css under w/ to w/css/style.css, and back', () => {
    assert.strictEqual(names.storageNameFor('w/', '/css/style.css'), 'w/css/style.css');
    assert.strictEqual(names.urlPathFor('w/', 'w/css/style.css'), '/css/style.css');
    assert.strictEqual(names.urlPathFor('w/', 'other'), null);
    assert.strictEqual(serverNameFor('w/', '/css/style.css'), 'w/css/style.css');
  });

  it('counts UTF-8 bytes: the name is the byte string Espruino sees', () => {
    const name = names.storageNameFor('w/', '/café.html');
    assert.strictEqual(name, 'w/caf\xc3\xa9.html');
    assert.strictEqual(name.length, 12);
  });

  it('refuses names over 28 bytes with a message naming the path, the size and the limit', () => {
    assert.strictEqual(names.storageNameFor('w/', '/' + 'a'.repeat(26)).length, 28);
    assert.throws(() => names.storageNameFor('w/', '/' + 'a'.repeat(27)), /"\/a{27}".*29 bytes, more than the 28/);
    assert.throws(() => names.storageNameFor('w/', '/a/../b'), /"\.\." segment/);
    assert.throws(() => names.storageNameFor('w/', '/dir/'), /directory/);
    assert.throws(() => names.storageNameFor('', '/a'), /prefix/);
  });

  it('agrees with the server on every URL path: same name, or both refuse (property)', () => {
    fc.assert(fc.property(prefix, urlPath, (prefixValue, p) => {
      const bytes = names.toByteString(p);
      const expected = tooling(prefixValue, p);
      return serverNameFor(prefixValue, bytes) === expected;
    }), { numRuns: 3000 });
  });

  it('is reversible: the URL path of the name of a path is that path (property)', () => {
    fc.assert(fc.property(prefix, urlPath, (prefixValue, p) => {
      const name = tooling(prefixValue, p);
      fc.pre(name !== null);
      return names.urlPathFor(prefixValue, name) === names.toByteString(p);
    }), { numRuns: 3000 });
  });

  it('checkTree lists every file of a folder that cannot be stored, and mapTree maps the rest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-tree-'));
    const files = ['index.html', 'css/style.css', 'js/app.js.gz', 'images/a-rather-long-file-name.png', 'deep/er/than/fits.txt'];
    for (const file of files) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), 'x');
    }
    const problems = names.checkTree('w/', dir);
    assert.deepStrictEqual(problems.map((p) => p.file), ['images/a-rather-long-file-name.png']);
    assert.match(problems[0].error, /more than the 28 Storage allows/);
    const mapped = names.mapTree('w/', dir).filter((entry) => entry.name);
    assert.deepStrictEqual(mapped.map((entry) => entry.name).sort(),
      ['w/css/style.css', 'w/deep/er/than/fits.txt', 'w/index.html', 'w/js/app.js.gz']);
    assert.deepStrictEqual(names.checkTree('w', dir).map((p) => p.file), ['images/a-rather-long-file-name.png']);
  });

  describe('files stored under the tooling\'s names are served at their URL', function () {
    this.timeout(15000);
    const site = ['/a.txt', '/dir/b.css', '/é ü.txt', '/' + 'x'.repeat(22) + '.txt', '/q?#.txt', '/sub/index.html'];
    let app;
    before(async () => {
      app = await startFilesApp(filesApp(), {
        rootPath: 'storage:w/',
        before(ctx) {
          for (const p of site) ctx.require('Storage').write(names.storageNameFor('w/', p), 'content of ' + p);
        },
      });
    });
    after(async () => app && app.close());

    for (const p of site) {
      it(`serves ${JSON.stringify(p)}`, async () => {
        const encoded = p.split('/').map(encodeURIComponent).join('/');
        const res = await rawRequest(app.port, `GET ${encoded} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { idleMs: 2000 });
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.body.toString('latin1'), 'content of ' + p);
      });
    }
  });
});
