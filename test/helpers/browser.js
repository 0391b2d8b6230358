// The demo app (demo/main.js) on the shim, started the way scripts/start.js does, and a headless
// Chromium (Debian's `chromium` driven by playwright-core) to open its pages in.
'use strict';

const fs = require('fs');
const path = require('path');
const { createEspruinoContext } = require('../../shim');
const { loadBundles } = require('../../scripts/lib/bundles');
const { freePort, repoRoot } = require('./app');

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs demo/main.js on a free port; resolves { ctx, port, url, logs, close() }. */
async function startDemo() {
  const port = await freePort();
  const logs = [];
  const ctx = createEspruinoContext({ fsRoot: repoRoot, host: '127.0.0.1', log: (line) => logs.push(String(line)) });
  loadBundles(ctx);
  ctx.run(`var DEMO_CONFIG = ${JSON.stringify({ port, rootPath: 'www' })};`, 'config.js');
  ctx.run(fs.readFileSync(path.join(repoRoot, 'demo/main.js'), 'utf8'), 'main.js');
  await waitListening(port);
  return {
    ctx,
    port,
    logs,
    url: `http://127.0.0.1:${port}`,
    async close() {
      try { ctx.run('mws2.Stop();', 'stop.js'); } catch (e) { /* already stopped */ }
      await ctx.close();
    },
  };
}

async function waitListening(port, timeoutMs = 3000) {
  const net = require('net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('demo did not listen on ' + port);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function chromiumAvailable() {
  return fs.existsSync(CHROMIUM_PATH);
}

/** A headless Chromium; the caller closes it. */
async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

module.exports = { startDemo, chromiumAvailable, launchChromium, CHROMIUM_PATH };
