// The built bundles (dist/), loaded into a shim context as a board loads them from Storage.
'use strict';

const fs = require('fs');
const path = require('path');

const distDir = path.resolve(__dirname, '../../dist');

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

/** Adds every bundle to the context's module cache (Modules.addCached). */
function loadBundles(ctx, options = {}) {
  const names = bundleNames();
  for (const name of names) ctx.addModule(name, bundleCode(name, options.readable));
  return names;
}

module.exports = { bundleNames, bundleCode, loadBundles, distDir };
