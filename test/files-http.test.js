// Files over real sockets on the shim, for both backends (fs: RootPath 'www'; Storage: RootPath
// 'storage:w/'): validators and 304, ranges (206/416, If-Range), pre-compressed .gz, directories,
// unknown types, ReturnFile, and attempts to leave the root.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { rawRequest } = require('./helpers/raw');
const { SITE, appJs, onlyJs, startFilesApp, filesApp } = require('./helpers/files');

/** One request on its own connection (closed by the server after the answer). */
function get(port, target, headers = {}, method = 'GET') {
  let request = `${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n`;
  for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
  return rawRequest(port, request + '\r\n', { headRequests: method === 'HEAD' ? 1 : 0, idleMs: 2000 });
}

/** Bytes after the head of a raw response. */
function bytesAfterHead(raw) {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

const BACKENDS = [
  { name: 'fs', rootPath: 'www' },
  { name: 'Storage', rootPath: 'storage:w/' },
];

for (const backend of BACKENDS) {
  const isStorage = backend.name === 'Storage';

  describe(`files from ${backend.name} (RootPath '${backend.rootPath}')`, function () {
    this.timeout(20000);
    let app;
    let fsRoot;
    before(async () => {
      app = await startFilesApp(filesApp(), { rootPath: backend.rootPath });
      fsRoot = app.fsRoot;
    });
    after(async () => app && app.close());

    describe('validators and conditional requests', () => {
      it('serves a file with ETag, Accept-Ranges, the static Cache-Control, and Last-Modified where a date is known', async () => {
        const res = await get(app.port, '/style.css');
        assert.strictEqual(res.status, 200);
        assert.ok(res.body.equals(SITE['style.css']));
        assert.strictEqual(res.headers['content-type'], 'text/css');
        assert.strictEqual(res.headers['accept-ranges'], 'bytes');
        assert.strictEqual(res.headers['cache-control'], 'public, max-age=31536000');
        assert.ok(res.headers.etag, 'ETag');
        if (isStorage) {
          assert.strictEqual(res.headers['last-modified'], undefined);
        } else {
          const mtime = fs.statSync(path.join(fsRoot, 'www/style.css')).mtime;
          assert.strictEqual(res.headers['last-modified'], new Date(Math.floor(mtime / 1000) * 1000).toUTCString());
        }
      });

      it(isStorage ? 'gives Storage files a strong ETag: size and CRC-32 of the content (checked against zlib)'
        : 'gives fs files a weak ETag from size and modification time', async () => {
        for (const name of ['style.css', 'data.png', 'index.html']) {
          const res = await get(app.port, '/' + name);
          const size = SITE[name].length.toString(16);
          if (isStorage) {
            assert.strictEqual(res.headers.etag, `"${size}-${zlib.crc32(SITE[name]).toString(16)}"`, name);
          } else {
            const mtime = Math.floor(fs.statSync(path.join(fsRoot, 'www', name)).mtimeMs / 1000).toString(16);
            assert.strictEqual(res.headers.etag, `W/"${size}-${mtime}"`, name);
          }
        }
      });

      it('answers If-None-Match with the current ETag by 304: no body, ETag and Cache-Control kept', async () => {
        const first = await get(app.port, '/style.css');
        const res = await get(app.port, '/style.css', { 'If-None-Match': first.headers.etag });
        assert.strictEqual(res.status, 304);
        assert.strictEqual(res.headers.etag, first.headers.etag);
        assert.strictEqual(res.headers['cache-control'], 'public, max-age=31536000');
        assert.strictEqual(res.headers['content-length'], undefined);
        assert.strictEqual(bytesAfterHead(res.raw).length, 0);
      });

      it('answers 304 through fetch (undici) revalidating with the ETag it got', async () => {
        const first = await fetch(app.url + '/index.html');
        await first.arrayBuffer();
        const res = await fetch(app.url + '/index.html', { headers: { 'If-None-Match': first.headers.get('etag') } });
        assert.strictEqual(res.status, 304);
        assert.strictEqual((await res.arrayBuffer()).byteLength, 0);
      });

      it('compares If-None-Match weakly, in a list, and takes * for any', async () => {
        const etag = (await get(app.port, '/data.png')).headers.etag;
        const opaque = etag.replace(/^W\//, '');
        for (const value of [`"nope", ${etag}`, `W/${opaque}`, `${opaque}`, '*', `"a,b", W/"x" ,${opaque}`]) {
          assert.strictEqual((await get(app.port, '/data.png', { 'If-None-Match': value })).status, 304, value);
        }
        for (const value of ['"nope"', `"${opaque}"`, 'garbage']) {
          assert.strictEqual((await get(app.port, '/data.png', { 'If-None-Match': value })).status, 200, value);
        }
      });

      it('ignores If-Modified-Since when If-None-Match is present (RFC 9110 §13.1.3)', async () => {
        const res = await get(app.port, '/style.css', {
          'If-None-Match': '"other"', 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT',
        });
        assert.strictEqual(res.status, 200);
        assert.ok(res.body.equals(SITE['style.css']));
      });

      if (!isStorage) {
        it('answers If-Modified-Since at or after the modification time by 304, before it by 200', async () => {
          const lastModified = (await get(app.port, '/style.css')).headers['last-modified'];
          assert.strictEqual((await get(app.port, '/style.css', { 'If-Modified-Since': lastModified })).status, 304);
          assert.strictEqual((await get(app.port, '/style.css', { 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT' })).status, 304);
          assert.strictEqual((await get(app.port, '/style.css', { 'If-Modified-Since': 'Sat, 01 Jan 2000 00:00:00 GMT' })).status, 200);
          assert.strictEqual((await get(app.port, '/style.css', { 'If-Modified-Since': 'not a date' })).status, 200);
        });
      } else {
        it('has no date for Storage files, so If-Modified-Since alone never gives 304', async () => {
          const res = await get(app.port, '/style.css', { 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT' });
          assert.strictEqual(res.status, 200);
        });
      }

      it('answers If-Match that does not match by 412, and * or the strong ETag lets the request through', async () => {
        assert.strictEqual((await get(app.port, '/style.css', { 'If-Match': '"nope"' })).status, 412);
        assert.strictEqual((await get(app.port, '/style.css', { 'If-Match': '*' })).status, 200);
        const etag = (await get(app.port, '/style.css')).headers.etag;
        // A weak ETag never passes If-Match (strong comparison).
        assert.strictEqual((await get(app.port, '/style.css', { 'If-Match': etag })).status, isStorage ? 200 : 412);
      });

      it('answers HEAD like GET without a body, and a matching HEAD by 304', async () => {
        const res = await get(app.port, '/data.png', {}, 'HEAD');
        assert.strictEqual(res.status, 200);
        assert.strictEqual(Number(res.headers['content-length']), SITE['data.png'].length);
        assert.strictEqual(bytesAfterHead(res.raw).length, 0);
        const again = await get(app.port, '/data.png', { 'If-None-Match': res.headers.etag }, 'HEAD');
        assert.strictEqual(again.status, 304);
      });
    });

    describe('ranges', () => {
      const data = SITE['data.png'];
      const size = data.length;

      for (const [range, start, end] of [['bytes=0-99', 0, 99], ['bytes=100-', 100, size - 1], ['bytes=-300', size - 300, size - 1],
        ['bytes=4990-99999', 4990, size - 1], ['bytes=-99999', 0, size - 1], ['BYTES = 7-7', 7, 7]]) {
        it(`answers Range: ${range} by 206 with Content-Range and exactly those bytes`, async () => {
          const res = await get(app.port, '/data.png', { Range: range });
          assert.strictEqual(res.status, 206);
          assert.strictEqual(res.headers['content-range'], `bytes ${start}-${end}/${size}`);
          assert.strictEqual(Number(res.headers['content-length']), end - start + 1);
          assert.ok(res.body.equals(data.subarray(start, end + 1)));
          assert.ok(res.headers.etag);
        });
      }

      it('answers a range through fetch (undici)', async () => {
        const res = await fetch(app.url + '/data.png', { headers: { Range: 'bytes=1000-2999' } });
        assert.strictEqual(res.status, 206);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(data.subarray(1000, 3000)));
      });

      for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
        it(`answers the unsatisfiable Range: ${range} by 416 with Content-Range: bytes */size`, async () => {
          const res = await get(app.port, '/data.png', { Range: range });
          assert.strictEqual(res.status, 416);
          assert.strictEqual(res.headers['content-range'], `bytes */${size}`);
          assert.ok(!res.raw.includes(data.subarray(0, 64)));
        });
      }

      for (const range of ['bytes=0-9,20-29', 'bytes=9-0', 'bytes=abc', 'items=0-9', 'bytes=1-2-3', '']) {
        it(`sends the whole file for the Range it does not honour: ${JSON.stringify(range)}`, async () => {
          const res = await get(app.port, '/data.png', range ? { Range: range } : {});
          assert.strictEqual(res.status, 200);
          assert.ok(res.body.equals(data));
        });
      }

      it('honours If-Range only with the strong ETag or the exact Last-Modified date', async () => {
        const full = await get(app.port, '/data.png');
        const withTag = await get(app.port, '/data.png', { Range: 'bytes=0-9', 'If-Range': full.headers.etag });
        // A weak ETag cannot validate a range (RFC 9110 §13.1.5).
        assert.strictEqual(withTag.status, isStorage ? 206 : 200);
        const stale = await get(app.port, '/data.png', { Range: 'bytes=0-9', 'If-Range': '"stale"' });
        assert.strictEqual(stale.status, 200);
        assert.ok(stale.body.equals(data));
        if (!isStorage) {
          const withDate = await get(app.port, '/data.png', { Range: 'bytes=0-9', 'If-Range': full.headers['last-modified'] });
          assert.strictEqual(withDate.status, 206);
          assert.ok(withDate.body.equals(data.subarray(0, 10)));
        }
        const oldDate = await get(app.port, '/data.png', { Range: 'bytes=0-9', 'If-Range': 'Sat, 01 Jan 2000 00:00:00 GMT' });
        assert.strictEqual(oldDate.status, 200);
      });

      it('ignores Range on HEAD (defined for GET only, RFC 9110 §14.2): 200 headers of the whole file', async () => {
        const res = await get(app.port, '/data.png', { Range: 'bytes=10-19' }, 'HEAD');
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers['content-range'], undefined);
        assert.strictEqual(Number(res.headers['content-length']), size);
        assert.strictEqual(bytesAfterHead(res.raw).length, 0);
      });
    });

    describe('pre-compressed .gz files', () => {
      it('lets fetch (undici, which asks for gzip and decodes it) get the original text of app.js', async () => {
        const res = await fetch(app.url + '/app.js');
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers.get('content-encoding'), 'gzip');
        assert.strictEqual(await res.text(), appJs.toString());
      });

      it('sends app.js.gz to a gzip client with Content-Encoding, the type of app.js, Vary and its own ETag', async () => {
        const gz = await get(app.port, '/app.js', { 'Accept-Encoding': 'br;q=1.0, gzip;q=0.8' });
        assert.strictEqual(gz.status, 200);
        assert.strictEqual(gz.headers['content-encoding'], 'gzip');
        assert.strictEqual(gz.headers['content-type'], 'application/javascript');
        assert.strictEqual(gz.headers.vary, 'Accept-Encoding');
        assert.ok(gz.body.equals(SITE['app.js.gz']));
        assert.strictEqual(zlib.gunzipSync(gz.body).toString(), appJs.toString());
        const plain = await get(app.port, '/app.js');
        assert.strictEqual(plain.headers['content-encoding'], undefined);
        assert.strictEqual(plain.headers.vary, 'Accept-Encoding');
        assert.ok(plain.body.equals(appJs));
        assert.notStrictEqual(gz.headers.etag, plain.headers.etag);
        // Each ETag revalidates its own representation.
        assert.strictEqual((await get(app.port, '/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag })).status, 304);
        assert.strictEqual((await get(app.port, '/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': plain.headers.etag })).status, 200);
      });

      for (const header of ['gzip;q=0', 'identity', 'deflate, br', 'gzip;q=0, *;q=1', '']) {
        it(`sends the plain file to a client whose Accept-Encoding is ${JSON.stringify(header)}`, async () => {
          const res = await get(app.port, '/app.js', header ? { 'Accept-Encoding': header } : {});
          assert.strictEqual(res.status, 200);
          assert.strictEqual(res.headers['content-encoding'], undefined);
          assert.ok(res.body.equals(appJs));
        });
      }

      for (const header of ['gzip', 'x-gzip', '*', 'GZIP;Q=0.5', 'deflate;q=1, *;q=0.1']) {
        it(`takes Accept-Encoding: ${header} as accepting gzip`, async () => {
          const res = await get(app.port, '/app.js', { 'Accept-Encoding': header });
          assert.strictEqual(res.headers['content-encoding'], 'gzip');
        });
      }

      it('serves a .gz-only file to gzip clients, and answers 406 to the others', async () => {
        const res = await fetch(app.url + '/only.js');
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers.get('content-type'), 'application/javascript');
        assert.strictEqual(await res.text(), onlyJs.toString());
        for (const headers of [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'gzip;q=0' }]) {
          const refused = await get(app.port, '/only.js', headers);
          assert.strictEqual(refused.status, 406, JSON.stringify(headers));
          assert.strictEqual(refused.headers.vary, 'Accept-Encoding');
          assert.strictEqual(refused.headers['content-encoding'], undefined);
        }
      });

      it('applies ranges and HEAD to the gzip representation', async () => {
        const gz = SITE['app.js.gz'];
        const res = await get(app.port, '/app.js', { 'Accept-Encoding': 'gzip', Range: 'bytes=0-9' });
        assert.strictEqual(res.status, 206);
        assert.strictEqual(res.headers['content-range'], `bytes 0-9/${gz.length}`);
        assert.ok(res.body.equals(gz.subarray(0, 10)));
        const head = await get(app.port, '/app.js', { 'Accept-Encoding': 'gzip' }, 'HEAD');
        assert.strictEqual(Number(head.headers['content-length']), gz.length);
        assert.strictEqual(head.headers['content-encoding'], 'gzip');
      });
    });

    describe('directories', () => {
      it('serves the default page for / and for a directory URL ending in /', async () => {
        assert.ok((await get(app.port, '/')).body.equals(SITE['index.html']));
        const sub = await get(app.port, '/sub/');
        assert.strictEqual(sub.headers['content-type'], 'text/html');
        assert.ok(sub.body.equals(SITE['sub/index.html']));
      });

      it('redirects a directory without its trailing slash (301), keeping the query string', async () => {
        const res = await get(app.port, '/sub?a=1&b=%20');
        assert.strictEqual(res.status, 301);
        assert.strictEqual(res.headers.location, '/sub/?a=1&b=%20');
        const follow = await fetch(app.url + '/sub');
        assert.strictEqual(follow.url, app.url + '/sub/');
        assert.strictEqual(await follow.text(), SITE['sub/index.html'].toString());
      });

      it('never redirects to another host (//host/dir)', async () => {
        const res = await get(app.port, '//sub');
        // fs folds the double slash; Storage names are exact ('w//sub/index.html' does not exist).
        assert.strictEqual(res.status, isStorage ? 404 : 301);
        if (!isStorage) assert.strictEqual(res.headers.location, '/sub/');
      });

      it('answers 404 for a directory without a default page, with or without its slash', async () => {
        assert.strictEqual((await get(app.port, '/nodefault/')).status, 404);
        assert.strictEqual((await get(app.port, '/nodefault')).status, 404);
        assert.strictEqual((await get(app.port, '/nodefault/file.txt')).status, 200);
      });
    });

    it('refuses an extension missing from the MIME table with 403 by default', async () => {
      assert.strictEqual((await get(app.port, '/notes.xyz')).status, 403);
    });

    describe('ReturnFile', () => {
      it('sends a file with Content-Disposition, validators and ranges', async () => {
        const res = await get(app.port, '/dl/data.png');
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers['content-disposition'], 'attachment; filename="data.png"');
        assert.strictEqual(res.headers['content-type'], 'image/png');
        assert.strictEqual(res.headers['cache-control'], 'no-cache, no-store, must-revalidate');
        assert.ok(res.body.equals(SITE['data.png']));
        const part = await get(app.port, '/dl/data.png', { Range: 'bytes=-10' });
        assert.strictEqual(part.status, 206);
        assert.ok(part.body.equals(SITE['data.png'].subarray(-10)));
        assert.strictEqual((await get(app.port, '/dl/data.png', { 'If-None-Match': res.headers.etag })).status, 304);
      });

      it('honours AllowCaching for Cache-Control', async () => {
        const res = await get(app.port, '/cached/style.css');
        assert.strictEqual(res.headers['cache-control'], 'public, max-age=31536000');
      });

      it('serves any file type (octet-stream when unknown) and answers a missing one with 404', async () => {
        const res = await get(app.port, '/raw/notes.xyz');
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.headers['content-type'], 'application/octet-stream');
        assert.strictEqual((await get(app.port, '/raw/missing.txt')).status, 404);
      });

      it('reads fs paths and storage: names whatever RootPath is', async () => {
        const fromFs = await get(app.port, '/any?p=www/index.html');
        assert.ok(fromFs.body.equals(SITE['index.html']));
        const fromStorage = await get(app.port, '/any?p=storage:w/style.css');
        assert.ok(fromStorage.body.equals(SITE['style.css']));
      });
    });

    describe('never leaves the root', () => {
      const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2E%2E%2Fsecret.txt', '/..\\secret.txt',
        '/.%2e/secret.txt', '/sub/../../secret.txt', '/index.html%00.css', '/../secret', '/%2e%2e/wifi.json',
        '/..%5csecret.txt', '/sub/%2e%2e/%2e%2e/secret'];
      for (const attempt of attempts) {
        it(`static: ${attempt}`, async () => {
          const res = await get(app.port, attempt);
          assert.ok([400, 404].includes(res.status), 'status ' + res.status);
          assert.ok(!res.raw.toString('latin1').includes('TOP-SECRET'));
        });
      }

      for (const attempt of ['..%2fsecret.txt', '%2e%2e%2fsecret.txt', '..%5csecret.txt', '%2e%2e%5c%2e%2e%5csecret.txt', '..%2f..%2fsecret']) {
        it(`ReturnFile with a name from the URL: /dl/${attempt}`, async () => {
          const res = await get(app.port, '/dl/' + attempt);
          assert.strictEqual(res.status, 404);
          assert.ok(!res.raw.toString('latin1').includes('TOP-SECRET'));
        });
      }

      it('does not reach a 28-byte Storage name through a longer URL cut by the firmware', async () => {
        const res = await get(app.port, '/abcdefghijklmnopqrstuvwxyz.txt');
        assert.strictEqual(res.status, 404);
        assert.ok(!res.raw.toString('latin1').includes('TOP-SECRET'));
      });

      it('serves names that merely contain dots', async () => {
        const res = await get(app.port, '/nodefault/..hidden.txt');
        assert.strictEqual(res.status, isStorage ? 404 : 200);
      });
    });
  });
}

describe('files: ServeUnknownTypes and RootPath checks', function () {
  this.timeout(15000);

  it('serves unknown extensions as application/octet-stream when ServeUnknownTypes is true', async () => {
    const app = await startFilesApp(filesApp('mws2.ServeUnknownTypes = true;'));
    try {
      const res = await get(app.port, '/notes.xyz');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers['content-type'], 'application/octet-stream');
      assert.ok(res.body.equals(SITE['notes.xyz']));
    } finally {
      await app.close();
    }
  });

  it('lists Accept-Encoding and Origin in one Vary header when AllowAllOrigins echoes the origin', async () => {
    const app = await startFilesApp(filesApp('mws2.AllowAllOrigins = true;'));
    try {
      const res = await get(app.port, '/app.js', { Origin: 'http://example.com', 'Accept-Encoding': 'gzip' });
      assert.strictEqual(res.headers['access-control-allow-origin'], 'http://example.com');
      assert.strictEqual(res.headers.vary, 'Accept-Encoding, Origin');
      assert.strictEqual(res.raw.toString('latin1').split(/\r\nvary:/i).length, 2);
    } finally {
      await app.close();
    }
  });

  it('refuses to start with a storage: RootPath without a prefix, which would expose every Storage file', async () => {
    const app = await startFilesApp(filesApp());
    try {
      const result = app.ctx.run(`
        var s = new lib.MicroWebSrv2(), errors = [];
        s.BindAddress = ['127.0.0.1', 0];
        ['storage:', 'storage:' + 'x'.repeat(28), 'storage:w/'].forEach(function (p) {
          s.RootPath = p;
          try { s.StartManaged(); errors.push('started ' + s.RootPath); s.Stop(); } catch (e) { errors.push(e.message + (s.IsRunning ? ' (running)' : '')); }
        });
        JSON.stringify(errors);`);
      const errors = JSON.parse(result);
      assert.match(errors[0], /^RootPath: .*prefix[^(]*$/);
      assert.match(errors[1], /^RootPath: .*prefix[^(]*$/);
      assert.strictEqual(errors[2], 'started storage:w/');
    } finally {
      await app.close();
    }
  });

  it('resolves physical paths of Storage files for modules (ResolvePhysicalPath)', async () => {
    const app = await startFilesApp(filesApp(), { rootPath: 'storage:w/' });
    try {
      const result = JSON.parse(app.ctx.run(`JSON.stringify([mws2.ResolvePhysicalPath('/'), mws2.ResolvePhysicalPath('/sub'),
        mws2.ResolvePhysicalPath('/style.css'), mws2.ResolvePhysicalPath('/nope.css')])`));
      assert.deepStrictEqual(result, ['storage:w/index.html', 'storage:w/sub/index.html', 'storage:w/style.css', null]);
    } finally {
      await app.close();
    }
  });
});

describe('files: Storage sizes and ETags follow files rewritten at run time', function () {
  this.timeout(15000);

  for (const mapped of [false, true]) {
    it(mapped ? 'with memory-mapped reads (a board): whole-file CRC-32, tag tied to the flash address'
      : 'with copied reads (Linux build, shim): sizes probed, CRC-32 by slices, a new size measured again', async () => {
      const app = await startFilesApp(filesApp(), {
        rootPath: 'storage:w/',
        before(ctx) {
          // A board's Storage.read gives a view of flash, whose data has an address: fake one that
          // moves when the content does, as a rewrite does on flash.
          if (mapped) ctx.run('E.getAddressOf = function (s, flat) { return flat ? 0x3f400000 + s.charCodeAt(0) : 1; };');
        },
      });
      try {
        const storage = app.ctx.require('Storage');
        const check = async (content) => {
          const res = await get(app.port, '/change.txt');
          assert.strictEqual(res.status, 200);
          assert.strictEqual(res.body.toString('latin1'), content);
          assert.strictEqual(res.headers.etag, `"${content.length.toString(16)}-${zlib.crc32(Buffer.from(content, 'latin1')).toString(16)}"`);
          return res.headers.etag;
        };
        storage.write('w/change.txt', 'first version');
        const first = await check('first version');
        storage.write('w/change.txt', 'the second, longer version ' + 'x'.repeat(3000));
        const second = await check('the second, longer version ' + 'x'.repeat(3000));
        assert.notStrictEqual(first, second);
        if (mapped) {
          storage.write('w/change.txt', 'Same-size rewrite' + 'x'.repeat(3010));
          await check('Same-size rewrite' + 'x'.repeat(3010));
        }
        storage.erase('w/change.txt');
        assert.strictEqual((await get(app.port, '/change.txt')).status, 404);
      } finally {
        await app.close();
      }
    });
  }
});
