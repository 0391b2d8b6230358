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

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));

/** Each bundle is one Espruino module: its Storage / Modules.addCached name and its entry. */
const BUNDLES = [
  { name: 'MicroWebSrv2', entry: 'index.js' },
  { name: 'MicroWebSrv2.WebSockets', entry: 'modules/WebSockets/index.js', optional: true },
  { name: 'MicroWebSrv2.PyhtmlTemplate', entry: 'modules/PyhtmlTemplate/index.js', optional: true },
];

function tsc(args) {
  const bin = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
}

async function bundle(spec) {
  const input = path.join(root, 'build/esm', spec.entry);
  if (!fs.existsSync(input)) {
    if (spec.optional) return null;
    throw new Error('missing entry ' + input);
  }
  const build = await rollup({
    input,
    // Espruino resolves require('net'), require('Storage')... at run time; nothing to bundle.
    external: () => false,
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
    treeshake: { moduleSideEffects: false },
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
  const min = await minify(code, {
    ecma: 5,
    // Espruino does not hoist function declarations: keep them where they are.
    compress: { ecma: 5, passes: 2, hoist_funs: false, hoist_vars: false, reduce_funcs: false },
    mangle: true,
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
  for (const spec of BUNDLES) {
    const result = await bundle(spec);
    if (!result) continue;
    fs.writeFileSync(path.join(root, 'dist', result.name + '.js'), result.code);
    fs.writeFileSync(path.join(root, 'dist', result.name + '.min.js'), result.min);
    rows.push(`${result.name.padEnd(30)} ${String(result.code.length).padStart(7)} B  ${String(result.min.length).padStart(7)} B minified`);
  }
  if (!process.env.BUILD_QUIET) console.log('build: dist/\n  ' + rows.join('\n  '));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
