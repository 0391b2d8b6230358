#!/usr/bin/env node
// Builds what a board loads with require(): one ES5 bundle per Espruino module, plus declarations.
//
//   build/lib/    tsc output (CommonJS, ES5): what unit tests require
//   build/esm/    tsc output (ES modules, ES5): what rollup bundles
//   dist/<name>.js       readable bundle: module code with `exports`, as Espruino evaluates it
//   dist/<name>.min.js   the same minified (terser, ecma 5): what is uploaded to Storage
//   dist/types/          TypeScript declarations for users
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { rollup } = require('rollup');
const { minify } = require('terser');
const { flattenClassesPlugin } = require('./lib/flatten-classes');
const acorn = require('acorn');
const walk = require('acorn-walk');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));

/** Each bundle is one Espruino module: its Storage / Modules.addCached name and its entry. */
const BUNDLES = [
  { name: 'MicroWebSrv2', entry: 'index.js' },
  // Parts of the core, loaded by it on demand and released when idle (src/platform/parts.ts): what
  // serves a request (src/http/part.ts), and what serves files.
  { name: 'MicroWebSrv2.http', entry: 'http/index.js', usesCore: true },
  { name: 'MicroWebSrv2.WebSockets', entry: 'modules/WebSockets/index.js', optional: true, usesCore: true },
  { name: 'MicroWebSrv2.PyhtmlTemplate', entry: 'modules/PyhtmlTemplate/index.js', optional: true, usesCore: true },
  { name: 'MicroWebSrv2.files', entry: 'files/index.js', usesCore: true },
  // The PyhtmlTemplate module's compiler and renderer, loaded by the module on demand.
  { name: 'MicroWebSrv2.pyhtml-compile', entry: 'modules/PyhtmlTemplate/compilerPart.js', optional: true, usesCore: true },
  { name: 'MicroWebSrv2.pyhtml-render', entry: 'modules/PyhtmlTemplate/renderPart.js', optional: true, usesCore: true },
  // The WebSockets module's handshake checks, and its WebSocket, loaded by the module on demand.
  { name: 'MicroWebSrv2.ws-handshake', entry: 'modules/WebSockets/handshakePart.js', optional: true, usesCore: true },
  { name: 'MicroWebSrv2.ws-socket', entry: 'modules/WebSockets/socketPart.js', optional: true, usesCore: true },
];

/**
 * Core files whose exports (re-exported by src/index.ts) the module bundles take from
 * require('MicroWebSrv2') instead of bundling copies: a copy costs a board variables for every function.
 */
const SHARED_WITH_MODULES = ['text/utf8.js', 'text/binary.js', 'text/html.js', 'text/strings.js', 'platform/memory.js',
  'files/registry.js', 'files/part.js', 'platform/parts.js', 'http/part.js', 'http/refusal.js',
  'http/url.js', 'routing/WebRoute.js']
  .map((file) => path.join(root, 'build/esm', file));

/**
 * The HTTP part's files (src/http/index.ts). The other bundles take their names from it through
 * the core's `http` object, filled while the part is loaded (src/platform/parts.ts): a bundle that
 * required the part itself would keep it loaded for good.
 */
const HTTP_PART_FILES = ['http/HttpSession.js', 'http/RequestParser.js', 'http/HttpRequest.js', 'http/HttpResponse.js',
  'http/httpDate.js', 'http/sources.js']
  .map((file) => path.join(root, 'build/esm', file));
const HTTP_PART_ID = 'MicroWebSrv2.http';

/** Rollup plugin: imports of the shared core files become require('MicroWebSrv2'); outside the
 *  HTTP part, imports of its files become require('MicroWebSrv2.http') (see viaHttpMirror). */
function takeSharedFromCore(spec) {
  const inList = (list, file) => list.includes(file) || list.includes(file + '.js');
  return {
    name: 'take-shared-from-core',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      const file = path.resolve(path.dirname(importer), source);
      if (inList(SHARED_WITH_MODULES, file)) return { id: 'MicroWebSrv2', external: true };
      if (spec.name !== HTTP_PART_ID && inList(HTTP_PART_FILES, file)) return { id: HTTP_PART_ID, external: true };
      return null;
    },
  };
}

/** `require('MicroWebSrv2.http')` -> the core's `http` object (src/http/part.ts). */
function viaHttpMirror(code) {
  return code.replace(/require\('MicroWebSrv2\.http'\)/g, "require('MicroWebSrv2').http");
}

/** Names a bundle reads from the HTTP part (`var x = require('MicroWebSrv2.http'); ... x.name`). */
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


function tsc(args) {
  const bin = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
}

/**
 * Private member names (from the declarations tsc wrote) that terser may shorten in every bundle.
 * On a board a property name longer than about four characters costs one or two more variables,
 * for every method on a prototype and every field of every live object. Left out: names that are
 * public somewhere, names of objects outside the bundles (Espruino's and the user's), and the few
 * internals the memory tools (scripts/mem.js) read.
 */
const KEEP_NAMES = new Set([
  'buffer', 'data', 'message', 'offset', 'code', 'size', 'length', 'name', 'value', 'read', 'write', 'close', 'end',
  'pool', 'connections',
]);

// Terser never shortens a name it knows as a DOM property (request, state, events, limits, cache,
// connection...): fields of objects a board keeps many of are named otherwise (currentRequest,
// parseState, eventSink, sizeLimits, pageKeys, wsConnection).
/** Public in TypeScript (the classes share them) but internal to the bundles: shortened too. These
 *  are fields of every open connection, request or WebSocket: a name of over four characters costs
 *  a board one more variable each time. Quoted accesses (`headers['upgrade']`) are never shortened. */
const INTERNAL_NAMES = ['owner', 'handler', 'socket', 'deadline', 'server', 'pendingBytes', 'progressTimeoutSec',
  'maxMessageLength', 'requireMask', 'keepAlive', 'expectContinue', 'contentLength', 'chunked', 'globals', 'pageKeys',
  'discardBody', 'parseState'];

function privateNames() {
  const privates = new Set();
  const publics = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) { walk(file); continue; }
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const member = /^\s+(private |protected |public )?(static )?(readonly )?(get |set )?([A-Za-z_$][\w$]*)\??[(:;<]/.exec(line);
        if (!member) continue;
        (member[1] === 'private ' ? privates : publics).add(member[5]);
      }
    }
  };
  walk(path.join(root, 'build/types'));
  return [...privates].filter((n) => !publics.has(n) && !KEEP_NAMES.has(n)).concat(INTERNAL_NAMES).sort();
}

/**
 * What the core exports for applications (the original's names) and for this project's tools and
 * tests. Every other name the core or the HTTP part exports is internal (helpers the bundles share):
 * shortened like private names, since each is a property of an exports object a board keeps.
 */
const PUBLIC_EXPORTS = new Set(['MicroWebSrv2', 'WebRoute', 'RegisterRoute', 'ResolveRoute', 'PathFromRoute', 'ClearRoutes',
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'XAsyncSocketsPool',
  'partSettings', 'isPartLoaded', 'holdPart', 'forgetKept', 'http']);

/** Names exported by an ES module of build/esm (its `export { ... }` lists and declarations). */
function exportedNames(file) {
  const program = acorn.parse(fs.readFileSync(path.join(root, 'build/esm', file), 'utf8'), { ecmaVersion: 2020, sourceType: 'module' });
  const names = [];
  for (const node of program.body) {
    if (node.type !== 'ExportNamedDeclaration') continue;
    for (const spec of node.specifiers) names.push(spec.exported.name);
    if (node.declaration && node.declaration.declarations) for (const d of node.declaration.declarations) names.push(d.id.name);
    else if (node.declaration && node.declaration.id) names.push(node.declaration.id.name);
  }
  return names;
}

function internalExportNames() {
  return exportedNames('index.js').concat(exportedNames('http/index.js')).filter((n) => !PUBLIC_EXPORTS.has(n));
}

/** What the core bundle and the HTTP part export, for the other bundles' check. */
const coreExports = new Set();
const httpPartExports = new Set();

async function bundle(spec, mangleNames, nameCache) {
  const input = path.join(root, 'build/esm', spec.entry);
  if (!fs.existsSync(input)) {
    if (spec.optional) return null;
    throw new Error('missing entry ' + input);
  }
  const build = await rollup({
    input,
    // Espruino resolves require('net'), require('Storage')... at run time; nothing to bundle (a
    // module bundle's shared helpers: takeSharedFromCore).
    external: () => false,
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
    treeshake: { moduleSideEffects: false },
    // Class methods at the module's top level cost 3 fewer variables each on Espruino.
    plugins: [flattenClassesPlugin()].concat(spec.usesCore ? [takeSharedFromCore(spec)] : []),
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
  const rolled = output[0].code;
  // The core must not carry the HTTP part's code: an idle server would hold it.
  const modules = Object.keys(output[0].modules).map((id) => path.resolve(id));
  const carried = modules.filter((id) => HTTP_PART_FILES.includes(id));
  if (spec.name !== HTTP_PART_ID && carried.length) {
    throw new Error(spec.name + ' carries ' + carried.map((f) => path.relative(path.join(root, 'build/esm'), f)).join(', ') + ', which belong to ' + HTTP_PART_ID);
  }
  if (spec.usesCore) {
    for (const name of namesTakenFrom(rolled, 'MicroWebSrv2')) {
      if (!coreExports.has(name)) throw new Error(spec.name + ' needs ' + name + ' from the core, which does not export it (src/index.ts)');
    }
    for (const name of namesTakenFrom(rolled, HTTP_PART_ID)) {
      if (!httpPartExports.has(name)) throw new Error(spec.name + ' needs ' + name + ' from ' + HTTP_PART_ID + ', which does not export it (src/http/index.ts)');
    }
  }
  const exportsOf = spec.name === 'MicroWebSrv2' ? coreExports : spec.name === HTTP_PART_ID ? httpPartExports : null;
  if (exportsOf) for (const m of rolled.matchAll(/^exports\.(\w+) = /gm)) exportsOf.add(m[1]);
  const code = viaHttpMirror(rolled);
  const min = await minify(code, {
    ecma: 5,
    // Espruino does not hoist function declarations: keep them where they are.
    // keep_fargs false: an unused parameter is a variable of its function on a board.
    compress: { ecma: 5, passes: 2, hoist_funs: false, hoist_vars: false, reduce_funcs: false, keep_fargs: false },
    // One name cache for every bundle: a module bundle uses the core's objects under the same names.
    mangle: { properties: { regex: new RegExp('^(' + mangleNames.join('|') + ')$'), keep_quoted: true, undeclared: true } },
    nameCache,
    // A bundle's top level is its module's scope on Espruino (and on the shim), never the global one.
    toplevel: true,
    format: { ecma: 5, ascii_only: true, comments: false },
  });
  return { name: spec.name, code, min: min.code };
}

async function main() {
  fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  tsc(['-p', 'tsconfig.json']);
  tsc(['-p', 'tsconfig.json', '--module', 'es2015', '--outDir', 'build/esm', '--declarationDir', 'build/esm-types']);
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.cpSync(path.join(root, 'build/types'), path.join(root, 'dist/types'), { recursive: true });
  const rows = [];
  const mangleNames = privateNames().concat(internalExportNames());
  const nameCache = {};
  for (const spec of BUNDLES) {
    const result = await bundle(spec, mangleNames, nameCache);
    if (!result) continue;
    fs.writeFileSync(path.join(root, 'dist', result.name + '.js'), result.code);
    fs.writeFileSync(path.join(root, 'dist', result.name + '.min.js'), result.min);
    rows.push(`${result.name.padEnd(30)} ${String(result.code.length).padStart(7)} B  ${String(result.min.length).padStart(7)} B minified`);
  }
  // For the memory tools' breakdowns: shortened property name -> name in src/.
  const props = nameCache.props && nameCache.props.props ? nameCache.props.props : {};
  const names = {};
  for (const key of Object.keys(props)) names[props[key]] = key.replace(/^\$/, '');
  fs.writeFileSync(path.join(root, 'dist', 'mangled-names.json'), JSON.stringify(names, null, 1) + '\n');
  if (!process.env.BUILD_QUIET) console.log('build: dist/\n  ' + rows.join('\n  '));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
