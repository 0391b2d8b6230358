// The build derives the bundles from the folders of src/ and src/manifest.ts (scripts/build.js): what
// an import becomes depends on where the imported file is, and property names are shortened by a
// rule the source shows. These tests read build/esm and dist/ as `npm run build` left them.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const acorn = require('acorn');
const walk = require('acorn-walk');
const { readBundles, bundleOf, bundleBoundaries } = require('../scripts/build');
const { MANIFEST, CORE_PARTS, MODULE_PARTS } = require('../scripts/lib/bundles');

const root = path.resolve(__dirname, '..');
const esm = (file) => path.join(root, 'build/esm', file);
const dist = (file) => path.join(root, 'dist', file);

describe('build: a bundle is a folder', () => {
  const bundles = readBundles();
  const byName = (name) => bundles.find((b) => b.name === name);
  const core = byName('MicroWebSrv2');

  it('makes one bundle per folder of the manifest, each in dist/', () => {
    assert.deepStrictEqual(bundles.map((b) => b.folder).sort(), MANIFEST.map((b) => b.folder).sort());
    for (const b of bundles) assert.ok(fs.existsSync(dist(b.name + '.min.js')), b.name);
  });

  it('tells the upload which parts go with the core and which with a module', () => {
    assert.deepStrictEqual(CORE_PARTS.sort(), ['MicroWebSrv2.files', 'MicroWebSrv2.http']);
    assert.deepStrictEqual(MODULE_PARTS, {
      'MicroWebSrv2.pyhtml-compile': 'MicroWebSrv2.PyhtmlTemplate',
      'MicroWebSrv2.pyhtml-render': 'MicroWebSrv2.PyhtmlTemplate',
      'MicroWebSrv2.ws-handshake': 'MicroWebSrv2.WebSockets',
      'MicroWebSrv2.ws-socket': 'MicroWebSrv2.WebSockets',
    });
  });

  it('places a file in the deepest bundle folder that holds it, shared source in none', () => {
    assert.strictEqual(bundleOf(bundles, esm('parts/http/HttpSession.js')).name, 'MicroWebSrv2.http');
    assert.strictEqual(bundleOf(bundles, esm('core/text/utf8.js')), core);
    assert.strictEqual(bundleOf(bundles, esm('modules/WebSockets/socket/WebSocket.js')).name, 'MicroWebSrv2.ws-socket');
    assert.strictEqual(bundleOf(bundles, esm('manifest.js')), null);
    assert.strictEqual(bundleOf(bundles, esm('modules/WebSockets/defaults.js')), null);
  });

  it('bundles its own files and shared source, takes the core\'s from the core, and refuses another bundle\'s', () => {
    const files = byName('MicroWebSrv2.files');
    const plugin = bundleBoundaries(files, bundles, core);
    const importer = esm('parts/files/FileResponse.js');
    assert.strictEqual(plugin.resolveId('./ranges', importer), esm('parts/files/ranges.js'));
    assert.strictEqual(plugin.resolveId('../../manifest', importer), esm('manifest.js'));
    assert.deepStrictEqual(plugin.resolveId('../../core/parts', importer), { id: 'MicroWebSrv2', external: true });
    assert.throws(() => plugin.resolveId('../http/sources', importer), /MicroWebSrv2\.http's: reach a part through its accessor/);
  });

  it('leaves no bundle requiring a part at its load: parts are loaded by name when used', () => {
    for (const b of bundles) {
      const code = fs.readFileSync(dist(b.name + '.js'), 'utf8');
      const required = [...code.matchAll(/require\((['"])([^'"]+)\1\)/g)].map((m) => m[2]).filter((n) => n.startsWith('MicroWebSrv2'));
      for (const name of required) assert.strictEqual(name, 'MicroWebSrv2', b.name + ' requires ' + name);
      if (b !== core) assert.ok(!/require\('MicroWebSrv2'\)\.http\b/.test(code), b.name + ' reads a mirror of the HTTP part');
    }
  });

  it('makes the core export its API and exactly the names the other bundles read from it', () => {
    const exported = (code) => new Set([...code.matchAll(/^exports\.(\w+) = /gm)].map((m) => m[1]));
    const coreExports = exported(fs.readFileSync(dist('MicroWebSrv2.js'), 'utf8'));
    const read = new Set();
    for (const b of bundles) {
      if (b === core) continue;
      const code = fs.readFileSync(dist(b.name + '.js'), 'utf8');
      const variable = /var (\w+) = require\('MicroWebSrv2'\);/.exec(code);
      if (!variable) continue;
      walk.simple(acorn.parse(code, { ecmaVersion: 5 }), {
        MemberExpression(node) {
          if (node.object.type === 'Identifier' && node.object.name === variable[1] && !node.computed) read.add(node.property.name);
        },
      });
    }
    for (const name of read) assert.ok(coreExports.has(name), 'the core does not export ' + name);
    const api = ['MicroWebSrv2', 'WebRoute', 'RegisterRoute', 'ResolveRoute', 'PathFromRoute', 'ClearRoutes', 'GET', 'HEAD',
      'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'XAsyncSocketsPool', 'partSettings', 'isPartLoaded', 'holdPart', 'forgetKept'];
    for (const name of api) assert.ok(coreExports.has(name), 'the core does not export ' + name);
    for (const name of coreExports) assert.ok(api.includes(name) || read.has(name), 'the core exports ' + name + ', which no bundle reads');
  });
});

describe('build: property names shortened by the rule the source shows', () => {
  const shortened = new Set(Object.values(JSON.parse(fs.readFileSync(dist('mangled-names.json'), 'utf8'))));

  it('shortens private members, @internal members and the exports of parts', () => {
    for (const name of ['currentRequest', 'earlyStatus', 'deadline', 'parseState', 'pageKeys', 'HttpSession', 'serveStaticFile', 'utf8Encode']) {
      assert.ok(shortened.has(name), name);
    }
  });

  it('keeps public names, and names Espruino\'s or JavaScript\'s objects declare', () => {
    for (const name of ['MicroWebSrv2', 'RegisterRoute', 'OnRequest', 'Response', 'pool', 'WebSockets', 'PyhtmlTemplate',
      'write', 'end', 'read', 'size', 'length', 'message']) {
      assert.ok(!shortened.has(name), name);
    }
  });
});
