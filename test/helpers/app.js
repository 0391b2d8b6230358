// Starts the built bundles in a fresh Espruino-like context (the Node shim), as a board would run
// them, with an app script that sets up routes and calls mws2.StartManaged(). Every integration test
// talks to that server over real loopback sockets.
'use strict';

const net = require('net');
const path = require('path');
const { createEspruinoContext } = require('../../shim');
const { loadBundles } = require('../../scripts/lib/bundles');

const repoRoot = path.resolve(__dirname, '../..');

/** A port the OS says is free right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitListening(port, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('server did not listen on ' + port);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs `appCode` in a new context. The code sees `PORT` and the module's exports as `lib`
 * (`lib.MicroWebSrv2`, `lib.WebRoute`...), and must leave the server in a global `mws2`.
 * Options: fsRoot (default: the repository, so RootPath 'www' is the demo site), readable (load the
 * unminified bundles), variables, storageDir, storageSize, before(ctx) (runs before the bundles
 * load, e.g. to fill Storage), prelude (more code run before the app).
 */
async function startApp(appCode, options = {}) {
  const port = await freePort();
  const logs = [];
  const ctx = createEspruinoContext({
    fsRoot: options.fsRoot || repoRoot,
    storageDir: options.storageDir,
    storageSize: options.storageSize,
    variables: options.variables,
    log: (line) => logs.push(String(line)),
  });
  if (options.before) options.before(ctx);
  loadBundles(ctx, { readable: options.readable });
  ctx.run(`var PORT = ${port}; var lib = require('MicroWebSrv2');` + (options.prelude || ''), 'prelude.js');
  ctx.run(appCode, 'app.js');
  await waitListening(port);
  return {
    ctx,
    port,
    logs,
    url: `http://127.0.0.1:${port}`,
    async close() {
      try { ctx.run('if (typeof mws2 !== "undefined") mws2.Stop();', 'stop.js'); } catch (e) { /* already stopped */ }
      await ctx.close();
    },
  };
}

/** The usual setup: embedded preset, routes added by `routes` code, server on PORT. */
function standardApp(routes = '', settings = '') {
  return `
    var MicroWebSrv2 = lib.MicroWebSrv2, WebRoute = lib.WebRoute;
    var GET = lib.GET, POST = lib.POST, PUT = lib.PUT, DELETE = lib.DELETE;
    ${routes}
    var mws2 = new MicroWebSrv2();
    mws2.SetEmbeddedConfig();
    mws2.BindAddress = ['127.0.0.1', PORT];
    ${settings}
    mws2.StartManaged();
  `;
}

module.exports = { startApp, standardApp, freePort, waitListening, repoRoot };
