// Streaming: ReturnStream over a Storage StorageFile, an E.openFile File and a user object (chunked,
// always ending with the 0 chunk), and 1 MB files from fs and Storage served in slices with flat
// memory: no socket write above BufferSlotSize, no Storage or File read above it.
'use strict';

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { rawRequest } = require('./helpers/raw');
const { SITE, pseudoRandomBytes, startFilesApp, filesApp } = require('./helpers/files');

const SLOT = 1024; // SetEmbeddedConfig's BufferSlotSize
const CHUNK_ROOM = SLOT - 12; // data per chunk after the chunk framing

function get(port, target, headers = {}) {
  let request = `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n`;
  for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
  return rawRequest(port, request + '\r\n', { idleMs: 3000 });
}

/** The raw body of a chunked response ends with exactly one final chunk and nothing after it. */
function assertEndsWithFinalChunk(raw) {
  const text = raw.toString('latin1');
  assert.ok(text.endsWith('\r\n0\r\n\r\n') || text.endsWith('\r\n\r\n0\r\n\r\n'), JSON.stringify(text.slice(-20)));
}

describe('ReturnStream over files and user sources', function () {
  this.timeout(20000);
  let app;
  const lengths = [0, 1, CHUNK_ROOM, CHUNK_ROOM * 3, SLOT * 2, 4064, 5000];

  before(async () => {
    app = await startFilesApp(filesApp(`
      var Storage = require('Storage');
      var closed = [];
      WebRoute(GET, '/storagefile/<n>', function (m, r, args) {
        r.Response.ReturnStream(200, Storage.open('log' + args.n, 'r'));
      });
      WebRoute(GET, '/openfile', function (m, r) {
        var file = E.openFile('www/data.png', 'r');
        var close = file.close;
        file.close = function () { closed.push('openfile'); close.call(file); };
        r.Response.ReturnStream(200, file);
      });
      WebRoute(GET, '/openfile-length', function (m, r) {
        r.Response.ContentLength = 100;
        r.Response.ReturnStream(200, E.openFile('www/data.png', 'r'));
      });
      WebRoute(GET, '/user/<n>', function (m, r, args) {
        var left = args.n;
        r.Response.ReturnStream(200, {
          read: function (n) { var k = Math.min(n, left); left -= k; return k > 0 ? 'x'.repeat(k) : undefined; },
          close: function () { closed.push('user'); },
        });
      });
      WebRoute(GET, '/closed', function (m, r) { r.Response.ReturnOkJSON(closed); });
    `), {
      before(ctx) {
        // StorageFiles of several lengths, written as an app would log: line by line.
        for (const n of lengths) {
          if (n === 0) continue;
          const text = Buffer.alloc(n, 'abcdefghij\n').toString('latin1');
          ctx.run(`(function () { var f = require('Storage').open('log${n}', 'w'); var t = ${JSON.stringify(text)};
            for (var i = 0; i < t.length; i += 700) f.write(t.substring(i, i + 700)); })();`);
        }
      },
    });
  });
  after(async () => app && app.close());

  for (const n of lengths) {
    it(`streams a StorageFile of ${n} bytes chunked, ending with the 0 chunk`, async () => {
      const res = await get(app.port, '/storagefile/' + n);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers['transfer-encoding'], 'chunked');
      assert.strictEqual(res.body.toString('latin1'), Buffer.alloc(n, 'abcdefghij\n').toString('latin1'));
      assertEndsWithFinalChunk(res.raw);
      assert.strictEqual(res.closed, true);
    });
  }

  it('streams an E.openFile File chunked, byte for byte, and closes it', async () => {
    const res = await get(app.port, '/openfile');
    assert.strictEqual(res.headers['transfer-encoding'], 'chunked');
    assert.ok(res.body.equals(SITE['data.png']));
    assertEndsWithFinalChunk(res.raw);
    const closed = await (await fetch(app.url + '/closed')).json();
    assert.ok(closed.includes('openfile'));
  });

  it('sends exactly ContentLength bytes of a stream when ContentLength is set', async () => {
    const res = await get(app.port, '/openfile-length');
    assert.strictEqual(res.headers['content-length'], '100');
    assert.strictEqual(res.headers['transfer-encoding'], undefined);
    assert.ok(res.body.equals(SITE['data.png'].subarray(0, 100)));
    assert.strictEqual(res.raw.length - res.raw.indexOf('\r\n\r\n') - 4, 100);
  });

  for (const n of [0, CHUNK_ROOM, CHUNK_ROOM * 2]) {
    it(`streams a user object with read(n) of ${n} bytes, ending with the 0 chunk, and closes it`, async () => {
      const res = await get(app.port, '/user/' + n);
      assert.strictEqual(res.body.length, n);
      assertEndsWithFinalChunk(res.raw);
      const closed = await (await fetch(app.url + '/closed')).json();
      assert.ok(closed.includes('user'));
    });
  }
});

describe('1 MB files stream in slices with flat memory', function () {
  this.timeout(60000);
  const big = pseudoRandomBytes(1024 * 1024, 99);
  const digest = crypto.createHash('sha256').update(big).digest('hex');
  let app;

  before(async () => {
    app = await startFilesApp(filesApp(`
      var Storage = require('Storage');
      var probe = { storageReads: 0, largestStorageRead: 0, fileReads: 0, largestFileRead: 0, usage: [] };
      var storageRead = Storage.read;
      Storage.read = function (name, offset, length) {
        var data = storageRead.call(Storage, name, offset, length);
        probe.storageReads++;
        if (data && data.length > probe.largestStorageRead) probe.largestStorageRead = data.length;
        if (probe.storageReads % 64 === 0) probe.usage.push(process.memory(false).usage);
        return data;
      };
      var openFile = E.openFile;
      E.openFile = function (p, mode) {
        var file = openFile(p, mode);
        var read = file.read;
        file.read = function (n) {
          var data = read.call(file, n);
          probe.fileReads++;
          if (data && data.length > probe.largestFileRead) probe.largestFileRead = data.length;
          if (probe.fileReads % 64 === 0) probe.usage.push(process.memory(false).usage);
          return data;
        };
        return file;
      };
      WebRoute(GET, '/probe', function (m, r) { r.Response.ReturnOkJSON(probe); });
      WebRoute(GET, '/reset', function (m, r) {
        probe.storageReads = probe.largestStorageRead = probe.fileReads = probe.largestFileRead = 0;
        probe.usage = [process.memory(false).usage];
        r.Response.ReturnOk('ok');
      });
    `), {
      storageSize: 4 * 1024 * 1024,
      before(ctx, fsRoot) {
        fs.writeFileSync(path.join(fsRoot, 'www', 'big.png'), big);
        ctx.require('Storage').write('w/big.png', big.toString('latin1'));
      },
    });
  });
  after(async () => app && app.close());

  for (const [source, url, readKey, largestKey] of [
    ['fs (E.openFile)', '/big.png', 'fileReads', 'largestFileRead'],
    ['Storage (Storage.read)', '/any?p=storage:w/big.png', 'storageReads', 'largestStorageRead'],
  ]) {
    it(`serves 1 MB from ${source} whole, never writing or reading more than one slot at a time`, async () => {
      await (await fetch(app.url + '/reset')).text();
      app.ctx.stats.largestWrite = 0;
      const res = await fetch(app.url + url);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers.get('content-length'), String(big.length));
      const body = Buffer.from(await res.arrayBuffer());
      assert.strictEqual(crypto.createHash('sha256').update(body).digest('hex'), digest);
      const probe = await (await fetch(app.url + '/probe')).json();
      assert.ok(app.ctx.stats.largestWrite <= SLOT, 'largest socket write ' + app.ctx.stats.largestWrite);
      assert.ok(probe[readKey] >= big.length / SLOT, probe[readKey] + ' reads');
      assert.ok(probe[largestKey] > 0 && probe[largestKey] <= SLOT, 'largest read ' + probe[largestKey]);
      const before = probe.usage[0];
      const peak = Math.max(...probe.usage);
      assert.ok(probe.usage.length > 10, 'samples during the transfer');
      assert.ok(peak - before < 200, `usage went from ${before} to ${peak} vars`);
    });
  }

  it('serves a 206 range from the middle of the 1 MB Storage file without reading what is before it', async () => {
    await (await fetch(app.url + '/reset')).text();
    const res = await fetch(app.url + '/any?p=storage:w/big.png', { headers: { Range: 'bytes=900000-900099' } });
    assert.strictEqual(res.status, 206);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(big.subarray(900000, 900100)));
    const probe = await (await fetch(app.url + '/probe')).json();
    // Size and ETag are cached from the previous test: only a few 1-byte checks and one slice.
    assert.ok(probe.storageReads < 10, probe.storageReads + ' reads');
  });
});
