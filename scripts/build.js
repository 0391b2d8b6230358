#!/usr/bin/env node
// Builds what a board loads with require(): one ES5 bundle per Espruino module, plus declarations.
//
//   build/lib/    tsc output (CommonJS, ES5): what unit tests require
//   build/esm/    tsc output (ES modules, ES5): what rollup bundles
//   dist/<name>.js       readable bundle: module code with `exports`, as Espruino evaluates it
//   dist/<name>.min.js   the same minified (terser, ecma 5): what is uploaded to Storage
//   dist/mangled-names.json  shortened property name -> name in src/ (the memory tools' breakdowns)
//   dist/types/          TypeScript declarations for users (index.d.ts: the core's)
//
// A bundle is a folder of src/ with an index.ts, named in src/manifest.ts: src/core/, src/parts/<part>/,
// src/modules/<Module>/<bundle>/. What an import turns into follows from where the imported file is:
//   - in the importer's own bundle folder: bundled;
//   - in src/core/, from another bundle: taken from the core at run time (require('MicroWebSrv2')),
//     which the build makes the core export (a copy would cost a board about 6 variables per
//     function in every loaded bundle that holds it);
//   - in another bundle's folder: an error. A part is reached through its typed accessor at the
//     moment of use (src/core/parts.ts): a bundle that required a part at its own load would keep the
//     part loaded for good. `import type` is free: it leaves no code;
//   - in no bundle folder (src/manifest.ts, a module's defaults.ts): bundled into each bundle that
//     imports it. Keep such files to constants and small helpers.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { rollup } = require('rollup');
const { minify } = require('terser');
const ts = require('typescript');
const { flattenClassesPlugin } = require('./lib/flatten-classes');
const acorn = require('acorn');
const walk = require('acorn-walk');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const esmDir = path.join(root, 'build/esm');
const CORE_ENTRY_ID = '\0core-entry';

function tsc(args) {
  const bin = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
}

/** The bundles of src/manifest.ts, each with its folder in build/esm; checked against the layout. */
function readBundles() {
  const { BUNDLES } = require(path.join(root, 'build/lib/manifest.js'));
  const bundles = BUNDLES.map((b) => Object.assign({}, b, { dir: path.join(esmDir, b.folder) }));
  for (const b of bundles) {
    if (!fs.existsSync(path.join(b.dir, 'index.js'))) throw new Error('src/manifest.ts: ' + b.name + ' has no src/' + b.folder + '/index.ts');
  }
  // Every folder with an entry is a bundle of the manifest: a folder the manifest missed would
  // silently be copied into the bundles that import it.
  const known = new Set(bundles.map((b) => b.folder));
  const look = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, 'src', dir), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = dir ? dir + '/' + entry.name : entry.name;
      if (fs.existsSync(path.join(root, 'src', folder, 'index.ts')) && !known.has(folder) && !bundles.some((b) => folder.startsWith(b.folder + '/'))) {
        throw new Error('src/' + folder + '/index.ts: a bundle folder missing from src/manifest.ts');
      }
      look(folder);
    }
  };
  look('');
  return bundles;
}

/** The bundle whose folder holds `file` (the deepest one), or null for shared source. */
function bundleOf(bundles, file) {
  let found = null;
  for (const b of bundles) {
    if (file.startsWith(b.dir + path.sep) && (found === null || b.dir.length > found.dir.length)) found = b;
  }
  return found;
}

function resolveImport(source, importer) {
  const base = path.resolve(path.dirname(importer), source);
  for (const file of [base, base + '.js', path.join(base, 'index.js')]) {
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  throw new Error('cannot resolve ' + source + ' from ' + path.relative(root, importer));
}

/** Rollup plugin: the import rules above, for the bundle `spec`. */
function bundleBoundaries(spec, bundles, core) {
  return {
    name: 'bundle-boundaries',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      if (importer === CORE_ENTRY_ID) return null;
      const file = resolveImport(source, importer);
      const owner = bundleOf(bundles, file);
      if (owner === null || owner === spec) return file;
      if (owner === core) return { id: core.name, external: true };
      throw new Error(path.relative(root, importer) + ' (' + spec.name + ') imports ' + source + ', which is ' + owner.name +
        "'s: reach a part through its accessor (src/core/parts.ts) when it is needed, or import only its types (import type)");
    },
  };
}

/** For each name `code` reads from require(id) (`var x = require(id); ... x.name`). */
function namesTakenFrom(code, id) {
  const program = acorn.parse(code, { ecmaVersion: 5 });
  const vars = new Set();
  walk.simple(program, {
    VariableDeclarator(node) {
      const init = node.init;
      if (init && init.type === 'CallExpression' && init.callee.name === 'require' && init.arguments[0].value === id) vars.add(node.id.name);
    },
  });
  const names = new Set();
  walk.simple(program, {
    MemberExpression(node) {
      if (node.object.type === 'Identifier' && vars.has(node.object.name) && !node.computed) names.add(node.property.name);
    },
  });
  return names;
}

/** name -> core file, for what the modules `files` import from the core. */
function coreImportsOf(files, bundles, core) {
  const from = new Map();
  for (const file of files) {
    const program = acorn.parse(fs.readFileSync(file, 'utf8'), { ecmaVersion: 2020, sourceType: 'module' });
    for (const node of program.body) {
      if ((node.type !== 'ImportDeclaration' && node.type !== 'ExportNamedDeclaration') || !node.source) continue;
      const target = resolveImport(node.source.value, file);
      if (bundleOf(bundles, target) !== core) continue;
      for (const spec of node.specifiers) {
        if (spec.type !== 'ImportSpecifier' && spec.type !== 'ExportSpecifier') {
          throw new Error(path.relative(root, file) + ': import names from src/core/ one by one (the core exports each one it shares)');
        }
        const name = (spec.imported || spec.local).name;
        const known = from.get(name);
        if (known && known !== target) throw new Error('two files of src/core/ export ' + name + ': ' + known + ', ' + target);
        from.set(name, target);
      }
    }
  }
  return from;
}

/** Names exported by an ES module of build/esm (its `export { ... }` lists and declarations). */
function exportedNames(file) {
  const program = acorn.parse(fs.readFileSync(file, 'utf8'), { ecmaVersion: 2020, sourceType: 'module' });
  const names = [];
  for (const node of program.body) {
    if (node.type !== 'ExportNamedDeclaration') continue;
    for (const spec of node.specifiers) names.push(spec.exported.name);
    if (node.declaration && node.declaration.declarations) for (const d of node.declaration.declarations) names.push(d.id.name);
    else if (node.declaration && node.declaration.id) names.push(node.declaration.id.name);
  }
  return names;
}

/**
 * Property names terser shortens, by a rule the source shows. On a board a property name longer than
 * about four characters costs one or two more variables, for every method on a prototype and every
 * field of every live object, so internal names are shortened to one or two letters. Internal:
 *   - class members declared `private` or `protected`, and members whose doc comment says `@internal`
 *     (public in TypeScript because another class of the project uses them, never by applications);
 *   - the exports of a part (its owner reaches them through its accessor) and the names the build
 *     adds to the core's exports (`linkNames`).
 * Terser renames a property name everywhere, whatever the object, so a name stays as it is when
 * anything else declares it: a public member of the project, or a property of the objects of
 * Espruino and JavaScript (src/core/platform/espruino.d.ts, lib.es5.d.ts). Quoted accesses
 * (`headers['upgrade']`) are never shortened, and terser never shortens a name it knows as a DOM
 * property (request, state, events, limits...): fields of objects a board keeps many of are named
 * otherwise (currentRequest, parseState, eventSink, sizeLimits...).
 */
function mangledNames(bundles, linkNames) {
  const program = ts.createProgram([path.join(root, 'src/core/index.ts')].concat(bundles.map((b) => path.join(root, 'src', b.folder, 'index.ts'))),
    { target: ts.ScriptTarget.ES5, lib: ['lib.es5.d.ts'], types: [], noEmit: true });
  const internal = new Set();
  const declared = new Set();
  const nameOf = (node) => (node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name)) ? node.name.text : null);
  const isInternal = (node) => {
    const flags = ts.getCombinedModifierFlags(node);
    if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return true;
    // node.jsDoc: the program is parsed without parent pointers, which ts.getJSDocTags needs.
    return (node.jsDoc || []).some((doc) => (doc.tags || []).some((tag) => tag.tagName.text === 'internal'));
  };
  const isMember = (node) => ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) || ts.isPropertySignature(node) || ts.isMethodSignature(node);
  const srcDir = path.join(root, 'src') + path.sep;
  const platform = path.join(root, 'src/core/platform/espruino.d.ts');
  for (const file of program.getSourceFiles()) {
    const ours = file.fileName.startsWith(srcDir.split(path.sep).join('/')) && file.fileName !== platform.split(path.sep).join('/');
    const note = (node) => {
      const name = nameOf(node);
      if (name !== null) (ours && isInternal(node) ? internal : declared).add(name);
    };
    const visit = (node) => {
      if (isMember(node)) note(node);
      // Constructor parameters declared `private x` or `readonly x` are members too.
      if (ts.isConstructorDeclaration(node)) {
        for (const p of node.parameters) if (ts.getCombinedModifierFlags(p) & ts.ModifierFlags.ParameterPropertyModifier) note(p);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  const exportNames = new Set(linkNames);
  for (const b of bundles) if (b.loadedBy !== null) for (const n of exportedNames(path.join(b.dir, 'index.js'))) exportNames.add(n);
  const publicExports = new Set(bundles.filter((b) => b.loadedBy === null).flatMap((b) => exportedNames(path.join(b.dir, 'index.js'))));
  return [...internal, ...exportNames].filter((n) => !declared.has(n) && !publicExports.has(n)).sort();
}

async function bundle(spec, bundles, core, options) {
  const isCore = spec === core;
  const build = await rollup({
    input: isCore ? CORE_ENTRY_ID : path.join(spec.dir, 'index.js'),
    // Espruino resolves require('net'), require('Storage')... at run time; nothing to bundle.
    external: () => false,
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
    treeshake: { moduleSideEffects: false },
    // Class methods at the module's top level cost 3 fewer variables each on Espruino.
    plugins: [flattenClassesPlugin(), bundleBoundaries(spec, bundles, core)].concat(isCore ? [{
      // The core's entry: src/core/index.ts, plus what the other bundles take from the core.
      name: 'core-entry',
      resolveId: (id) => (id === CORE_ENTRY_ID ? id : null),
      load: (id) => (id !== CORE_ENTRY_ID ? null : [`export * from ${JSON.stringify(path.join(core.dir, 'index.js'))};`]
        .concat([...options.links].map(([name, file]) => `export { ${name} } from ${JSON.stringify(file)};`)).join('\n')),
    }] : []),
  });
  const { output } = await build.generate({
    format: 'cjs',
    exports: 'named',
    esModule: false,
    // Rollup would otherwise freeze namespace objects: Object.freeze does not exist on Espruino.
    freeze: false,
    generatedCode: { preset: 'es5', constBindings: false, objectShorthand: false, arrowFunctions: false },
    strict: false,
    banner: `/* ${spec.name} — ${pkg.name} ${pkg.version}, MIT licence */`,
  });
  await build.close();
  const code = output[0].code;
  const modules = Object.keys(output[0].modules).filter((id) => id !== CORE_ENTRY_ID).map((id) => path.resolve(id));
  return { name: spec.name, code, modules };
}

async function minifyBundle(result, mangleNames, nameCache) {
  const min = await minify(result.code, {
    ecma: 5,
    // Espruino does not hoist function declarations: keep them where they are.
    // keep_fargs false: an unused parameter is a variable of its function on a board.
    compress: { ecma: 5, passes: 2, hoist_funs: false, hoist_vars: false, reduce_funcs: false, keep_fargs: false },
    // One name cache for every bundle: a bundle uses the core's and the parts' objects under the same names.
    mangle: { properties: { regex: new RegExp('^(' + mangleNames.join('|') + ')$'), keep_quoted: true, undeclared: true } },
    nameCache,
    // A bundle's top level is its module's scope on Espruino (and on the shim), never the global one.
    toplevel: true,
    format: { ecma: 5, ascii_only: true, comments: false },
  });
  return min.code;
}

async function main() {
  fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  tsc(['-p', 'tsconfig.json']);
  tsc(['-p', 'tsconfig.json', '--module', 'es2015', '--moduleResolution', 'node', '--outDir', 'build/esm', '--declarationDir', 'build/esm-types']);
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.cpSync(path.join(root, 'build/types'), path.join(root, 'dist/types'), { recursive: true });
  // require('MicroWebSrv2')'s declarations at the top, where they were before the core had a folder.
  fs.writeFileSync(path.join(root, 'dist/types/index.d.ts'), "export * from './core';\n");
  const bundles = readBundles();
  const core = bundles.find((b) => b.folder === 'core');
  if (!core) throw new Error('src/manifest.ts names no bundle for src/core/');

  // The other bundles first: what they take from the core is what the core exports besides its API.
  const results = new Map();
  const links = new Map();
  const publicCore = new Set(exportedNames(path.join(core.dir, 'index.js')));
  for (const spec of bundles) {
    if (spec === core) continue;
    const result = await bundle(spec, bundles, core);
    const taken = namesTakenFrom(result.code, core.name);
    const from = coreImportsOf(result.modules, bundles, core);
    for (const name of taken) {
      if (!from.has(name)) throw new Error(spec.name + ' reads ' + name + ' from the core, imported from no file of src/core/');
      if (!publicCore.has(name)) links.set(name, from.get(name));
    }
    results.set(spec, result);
  }
  results.set(core, await bundle(core, bundles, core, { links }));
  // The core must not carry a part's code: an idle server would hold it.
  for (const file of results.get(core).modules) {
    const owner = bundleOf(bundles, file);
    if (owner !== null && owner !== core) throw new Error(core.name + ' carries ' + path.relative(esmDir, file) + ', which belongs to ' + owner.name);
  }

  const mangleNames = mangledNames(bundles, links.keys());
  const nameCache = {};
  const rows = [];
  for (const spec of bundles) {
    const result = results.get(spec);
    const min = await minifyBundle(result, mangleNames, nameCache);
    fs.writeFileSync(path.join(root, 'dist', spec.name + '.js'), result.code);
    fs.writeFileSync(path.join(root, 'dist', spec.name + '.min.js'), min);
    rows.push(`${spec.name.padEnd(30)} ${String(result.code.length).padStart(7)} B  ${String(min.length).padStart(7)} B minified`);
  }
  const props = nameCache.props && nameCache.props.props ? nameCache.props.props : {};
  const names = {};
  for (const key of Object.keys(props)) names[props[key]] = key.replace(/^\$/, '');
  fs.writeFileSync(path.join(root, 'dist', 'mangled-names.json'), JSON.stringify(names, null, 1) + '\n');
  if (!process.env.BUILD_QUIET) console.log('build: dist/\n  ' + rows.join('\n  '));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}

// For the build's own tests (test/build-layout.test.js).
module.exports = { readBundles, bundleOf, bundleBoundaries };
