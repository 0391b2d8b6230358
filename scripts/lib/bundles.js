// The built bundles (dist/), loaded into a shim context as a board loads them from Storage.
'use strict';

const fs = require('fs');
const path = require('path');

const distDir = path.resolve(__dirname, '../../dist');

/**
 * The bundles of src/manifest.ts: name, folder, loadedBy (the bundle that loads it on demand, null for
 * what applications load), variables. Read from the source itself, the table the bundles compile
 * in, so that no build is needed to know them.
 */
function readManifest() {
  const ts = require('typescript');
  const source = fs.readFileSync(path.resolve(__dirname, '../../src/manifest.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES5 } });
  const module = { exports: {} };
  new Function('module', 'exports', outputText)(module, module.exports);
  return module.exports.BUNDLES;
}

const MANIFEST = readManifest();
const CORE_NAME = MANIFEST.find((b) => b.folder === 'core').name;

/**
 * Bundles that are parts of the core (src/core/parts.ts): always uploaded with it, loaded by it
 * from Storage when a request needs them, never named by applications.
 */
const CORE_PARTS = MANIFEST.filter((b) => b.loadedBy === CORE_NAME).map((b) => b.name);

/** Parts of a module (loaded by it on demand): part -> module. Uploaded with their module. */
const MODULE_PARTS = {};
for (const b of MANIFEST) if (b.loadedBy !== null && b.loadedBy !== CORE_NAME) MODULE_PARTS[b.name] = b.loadedBy;

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

module.exports = { bundleNames, bundleCode, loadBundles, distDir, MANIFEST, CORE_PARTS, MODULE_PARTS, PARTS };
