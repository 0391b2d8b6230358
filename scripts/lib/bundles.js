// The built bundles (dist/), loaded into a shim context as a board loads them from Storage.
'use strict';

const fs = require('fs');
const path = require('path');

const distDir = path.resolve(__dirname, '../../dist');

/**
 * Bundles that are parts of the core (src/platform/parts.ts): always uploaded with it, loaded by it
 * from Storage when a request needs them, never named by applications.
 */
const CORE_PARTS = ['MicroWebSrv2.http', 'MicroWebSrv2.files'];

/** Parts of a module (loaded by it on demand): uploaded with their module. */
const MODULE_PARTS = {
  'MicroWebSrv2.pyhtml-compile': 'MicroWebSrv2.PyhtmlTemplate',
  'MicroWebSrv2.pyhtml-render': 'MicroWebSrv2.PyhtmlTemplate',
  'MicroWebSrv2.ws-handshake': 'MicroWebSrv2.WebSockets',
  'MicroWebSrv2.ws-socket': 'MicroWebSrv2.WebSockets',
};

/** Every part, core's and modules'. */
const PARTS = CORE_PARTS.concat(Object.keys(MODULE_PARTS));

/** Names of the Espruino modules the build made, core first. */
function bundleNames() {
  if (!fs.existsSync(distDir)) throw new Error('dist/ is missing: run `npm run build` first');
  return fs.readdirSync(distDir)
    .filter((f) => f.endsWith('.min.js'))
    .map((f) => f.slice(0, -'.min.js'.length))
    .sort((a, b) => (a === 'MicroWebSrv2' ? -1 : b === 'MicroWebSrv2' ? 1 : a.localeCompare(b)));
}

/** The code of one bundle: minified (what boards run) unless `readable` is asked for. */
function bundleCode(name, readable) {
  return fs.readFileSync(path.join(distDir, name + (readable ? '.js' : '.min.js')), 'utf8');
}

/**
 * Adds every bundle to the context's module cache (Modules.addCached), except the core's parts,
 * which go to its Storage, where a board keeps them (so the core can release and reload them).
 */
function loadBundles(ctx, options = {}) {
  const names = bundleNames();
  const storage = ctx.require('Storage');
  for (const name of names) {
    const code = bundleCode(name, options.readable);
    if (PARTS.includes(name) && storage.write(name, code)) continue;
    ctx.addModule(name, code);
  }
  return names;
}

module.exports = { bundleNames, bundleCode, loadBundles, distDir, CORE_PARTS, MODULE_PARTS, PARTS };
