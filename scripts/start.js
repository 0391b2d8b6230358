#!/usr/bin/env node
// `npm start`: the demo app on the Node shim, no board needed. The bundles are loaded the way a board
// loads them (as Espruino modules), then demo/main.js runs inside the Espruino-like context.
//
//   PORT=8080       port to listen on (default 8080)
//   HOST=127.0.0.1  address to bind (default 127.0.0.1: the shim serves this machine only)
//   APP=demo/main.js  another app to run instead of the demo
'use strict';

const fs = require('fs');
const path = require('path');
const { createEspruinoContext } = require('../shim');
const { loadBundles } = require('./lib/bundles');

const root = path.resolve(__dirname, '..');
const port = Number(process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';
const app = path.resolve(root, process.env.APP || 'demo/main.js');

const ctx = createEspruinoContext({
  storageDir: path.join(root, '.shim-storage'),
  fsRoot: root,
  host,
  log: (line) => process.stdout.write(line + '\n'),
});
loadBundles(ctx);
ctx.run(`var DEMO_CONFIG = ${JSON.stringify({ port, rootPath: 'www' })};`, 'config.js');
ctx.run(fs.readFileSync(app, 'utf8'), path.basename(app));
console.log(`\nMicroWebSrv2 demo on the Node shim: http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/\n(Ctrl-C to stop)`);

function stop() {
  ctx.close().then(() => process.exit(0));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
