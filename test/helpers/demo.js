// Starts demo/main.js on the shim exactly as `npm start` does (same bundles, same DEMO_CONFIG).
'use strict';

const fs = require('fs');
const path = require('path');
const { createEspruinoContext } = require('../../shim');
const { loadBundles } = require('../../scripts/lib/bundles');
const { freePort, waitListening, repoRoot } = require('./app');

async function startDemo() {
  const port = await freePort();
  const logs = [];
  const ctx = createEspruinoContext({ fsRoot: repoRoot, log: (line) => logs.push(String(line)) });
  loadBundles(ctx);
  ctx.run(`var DEMO_CONFIG = ${JSON.stringify({ port, rootPath: 'www' })};`, 'config.js');
  ctx.run(fs.readFileSync(path.join(repoRoot, 'demo/main.js'), 'utf8'), 'main.js');
  await waitListening(port);
  return {
    ctx, port, logs, url: `http://127.0.0.1:${port}`,
    async close() {
      try { ctx.run('mws2.Stop()'); } catch (e) { /* already stopped */ }
      await ctx.close();
    },
  };
}

module.exports = { startDemo };
