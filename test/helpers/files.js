// Fixtures for the files-*.test.js suites: a site on disk (the fs backend's SD card) and the same
// site in the shim's Storage under the prefix 'w/', and a server started on either.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { startApp } = require('./app');

/** Deterministic bytes (all 256 values appear), so failures are reproducible. */
function pseudoRandomBytes(length, seed = 1) {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const appJs = Buffer.from('// app.js\n' + 'function hello(name) { return "hello " + name; }\n'.repeat(120));
const onlyJs = Buffer.from('console.log("only the .gz of this file is stored");\n'.repeat(40));

/** URL path (without the leading '/') -> content. */
const SITE = {
  'index.html': Buffer.from('<!DOCTYPE html><title>root</title><p>root page</p>\n'),
  'style.css': Buffer.from('body { color: #123456; }\n'.repeat(150)),
  'app.js': appJs,
  'app.js.gz': zlib.gzipSync(appJs),
  'only.js.gz': zlib.gzipSync(onlyJs),
  'data.png': pseudoRandomBytes(5000, 7),
  'notes.xyz': Buffer.from('a file type the MIME table does not know\n'),
  'sub/index.html': Buffer.from('<p>sub page</p>\n'),
  'nodefault/file.txt': Buffer.from('no default page here\n'),
};

/** A site folder with a secret beside it (outside RootPath). Returns the fs root. */
function makeFsRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-files-'));
  for (const [name, data] of Object.entries(SITE)) {
    const file = path.join(root, 'www', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  }
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET-FS\n');
  fs.writeFileSync(path.join(root, 'www', 'nodefault', '..hidden.txt'), 'dots in a name are fine\n');
  return root;
}

/** Writes the site into Storage under 'w/', plus secrets outside the prefix. */
function fillStorage(ctx) {
  const storage = ctx.require('Storage');
  for (const [name, data] of Object.entries(SITE)) storage.write('w/' + name, data.toString('latin1'));
  storage.write('secret', 'TOP-SECRET-STORAGE\n');
  storage.write('wifi.json', '{"password":"TOP-SECRET-JSON"}');
  // A name of exactly 28 bytes: a longer URL must not reach it by truncation.
  storage.write('w/abcdefghijklmnopqrstuvwxyz', 'TOP-SECRET-TRUNCATED\n');
}

/**
 * Starts the bundles in a fresh shim context with the fixture site on disk and in Storage, and
 * `appCode` (sees PORT, lib, ROOT, FILES; must leave the server in `mws2`).
 * Options: rootPath ('www' or 'storage:w/'), filesPrefix (ReturnFile prefix), storageSize, before(ctx).
 */
async function startFilesApp(appCode, options = {}) {
  const fsRoot = options.fsRoot || makeFsRoot();
  const rootPath = options.rootPath || 'www';
  const filesPrefix = options.filesPrefix || (rootPath === 'www' ? 'www/' : rootPath);
  const app = await startApp(appCode, {
    fsRoot,
    storageSize: options.storageSize || 4 * 1024 * 1024,
    before(ctx) {
      fillStorage(ctx);
      if (options.before) options.before(ctx, fsRoot);
    },
    prelude: ` var ROOT = ${JSON.stringify(rootPath)}; var FILES = ${JSON.stringify(filesPrefix)};`,
  });
  return Object.assign(app, { fsRoot });
}

/** The usual server: embedded preset, RootPath = ROOT, ReturnFile and ReturnStream routes. */
function filesApp(settings = '') {
  return `
    var MicroWebSrv2 = lib.MicroWebSrv2, WebRoute = lib.WebRoute, GET = lib.GET;
    WebRoute(GET, '/dl/<name>', function (m, r, args) { r.Response.ReturnFile(FILES + args.name, args.name); });
    WebRoute(GET, '/raw/<name>', function (m, r, args) { r.Response.ReturnFile(FILES + args.name); });
    WebRoute(GET, '/any', function (m, r) { r.Response.ReturnFile(r.QueryParams.p); });
    WebRoute(GET, '/cached/<name>', function (m, r, args) {
      r.Response.AllowCaching = true;
      r.Response.ReturnFile(FILES + args.name);
    });
    var mws2 = new MicroWebSrv2();
    mws2.SetEmbeddedConfig();
    mws2.BindAddress = ['127.0.0.1', PORT];
    mws2.RootPath = ROOT;
    ${settings}
    mws2.StartManaged();
  `;
}

module.exports = { SITE, appJs, onlyJs, pseudoRandomBytes, makeFsRoot, startFilesApp, filesApp };
