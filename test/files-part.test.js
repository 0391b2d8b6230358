// The files part (MicroWebSrv2.files): the code that serves files is a bundle of its own, loaded from
// Storage when a request needs it and released once idle, so an idle board does not hold it. These
// tests run it as a board does: the part in the shim's Storage, the core loading it with require().
'use strict';

const assert = require('assert');
const { startFilesApp, filesApp } = require('./helpers/files');

const { waitFor } = require('./helpers/wait');

for (const rootPath of ['www', 'storage:w/']) {
  describe(`files part: loaded on demand, released when idle (RootPath '${rootPath}')`, function () {
    let app;
    const loaded = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.files')");
    const cached = () => app.ctx.run("Modules.getCached().indexOf('MicroWebSrv2.files') >= 0");

    beforeEach(async () => {
      app = await startFilesApp(filesApp(`
        lib.partSettings.idleMs = 300;
        MicroWebSrv2.AddMimeType('.weird', 'text/x-weird');
      `), {
        rootPath,
        before(ctx, fsRoot) {
          require('fs').writeFileSync(require('path').join(fsRoot, 'www', 'a.weird'), 'weird\n');
          ctx.require('Storage').write('w/a.weird', 'weird\n');
        },
      });
    });
    afterEach(async () => { if (app) await app.close(); });

    it('is not loaded until a file is asked for, and not left in the module cache', async () => {
      assert.strictEqual(loaded(), false);
      const res = await fetch(app.url + '/api-not-a-file');
      assert.strictEqual(res.status, 404);
      // A 404 looks for a file first: the part is loaded now, but held by the core only.
      assert.strictEqual(loaded(), true);
      assert.strictEqual(cached(), false);
    });

    it('serves, is released after idleMs, and serves the same again once reloaded', async () => {
      const first = await fetch(app.url + '/style.css');
      const body = await first.text();
      assert.strictEqual(first.status, 200);
      assert.strictEqual(loaded(), true);
      await waitFor(() => !loaded(), 3000, 'the part to be released');
      const again = await fetch(app.url + '/style.css');
      assert.strictEqual(again.status, 200);
      assert.strictEqual(await again.text(), body);
      // Same validator across a reload: Storage entity tags are kept by the core, not by the part.
      assert.strictEqual(again.headers.get('etag'), first.headers.get('etag'));
      const revalidated = await fetch(app.url + '/style.css', { headers: { 'If-None-Match': first.headers.get('etag') } });
      assert.strictEqual(revalidated.status, 304);
    });

    it('keeps MIME types added with AddMimeType across a release', async () => {
      assert.strictEqual((await fetch(app.url + '/a.weird')).headers.get('content-type'), 'text/x-weird');
      await waitFor(() => !loaded(), 3000, 'the part to be released');
      assert.strictEqual((await fetch(app.url + '/a.weird')).headers.get('content-type'), 'text/x-weird');
      assert.strictEqual(app.ctx.run("lib.MicroWebSrv2.GetMimeTypeFromFilename('x.WEIRD')"), 'text/x-weird');
    });

    it('answers 503 instead of loading it when free memory is short, then serves once there is room', async () => {
      // The HTTP part loaded and held (it needs more room than this part does) and this part let go,
      // then room for a connection (MemoryReserveVars 256 + 60) and a request (+250), not for this part (+500).
      assert.strictEqual((await fetch(app.url + '/api-not-a-file')).status, 404);
      app.ctx.run("lib.holdPart('MicroWebSrv2.http', 1); lib.forgetKept('MicroWebSrv2.files')");
      app.ctx.setFreeVars(600);
      const refused = await fetch(app.url + '/style.css');
      assert.strictEqual(refused.status, 503);
      await refused.text();
      assert.strictEqual(loaded(), false);
      assert.throws(() => app.ctx.run('mws2.files'), /Not enough free memory to load MicroWebSrv2.files/);
      app.ctx.setFreeVars(null);
      app.ctx.run("lib.holdPart('MicroWebSrv2.http', -1)");
      const served = await fetch(app.url + '/style.css');
      assert.strictEqual(served.status, 200);
      await served.text();
    });

    it('is released at once, however recently used, when another part cannot be loaded for lack of memory', async () => {
      assert.strictEqual((await fetch(app.url + '/style.css')).status, 200);
      assert.strictEqual(loaded(), true);
      // The HTTP part let go too: the next request must load it, with room for neither.
      app.ctx.run("lib.forgetKept('MicroWebSrv2.http')");
      app.ctx.setFreeVars(600);
      const refused = await fetch(app.url + '/style.css');
      assert.strictEqual(refused.status, 503);
      await refused.text();
      assert.strictEqual(loaded(), false, 'released before refusing');
      app.ctx.setFreeVars(null);
      assert.strictEqual((await fetch(app.url + '/style.css')).status, 200);
    });

    it('ReturnFile loads it too, and a file still being sent outlives the release', async () => {
      const res = await fetch(app.url + '/raw/style.css');
      assert.strictEqual(res.status, 200);
      assert.match(await res.text(), /#123456/);
      app.ctx.run('lib.partSettings.idleMs = 0');
      const reads = await Promise.all([1, 2, 3].map(() => fetch(app.url + '/dl/style.css').then((r) => r.text())));
      for (const text of reads) assert.strictEqual(text, 'body { color: #123456; }\n'.repeat(150));
    });
  });
}
