#!/usr/bin/env node
'use strict';
// Gate between the build and a board: every bundle must pass the Espruino 2v29 compatibility checks.
//   node scripts/check-espruino.js            checks every bundle dist/*.js
//   node scripts/check-espruino.js a.js b.js  checks those files
// Prints `file:line:col rule — explanation` per problem and exits 1 when there is any, otherwise
// prints one summary line and exits 0. The files are checked as one program (as the bundles run
// together on the board): a method one of them defines is nobody's missing built-in.

const fs = require('fs');
const path = require('path');
const { checkSource, definedMemberNames, formatProblem } = require('./lib/espruino-compat');

const DIST_DIR = path.join(__dirname, '..', 'dist');

function bundlesInDist() {
  if (!fs.existsSync(DIST_DIR)) return [];
  return fs.readdirSync(DIST_DIR)
    .filter((name) => name.endsWith('.js'))
    .filter((name) => fs.statSync(path.join(DIST_DIR, name)).isFile())
    .sort()
    .map((name) => path.join(DIST_DIR, name));
}

function main(args) {
  const files = args.length > 0 ? args : bundlesInDist();
  if (files.length === 0) {
    // Checking nothing must not look like success: the build is expected to have produced bundles.
    console.error(`espruino-compat: no bundles found in ${path.relative(process.cwd(), DIST_DIR) || '.'}/ (run npm run build)`);
    return 1;
  }
  let problemCount = 0;
  const sources = files.map((file) => {
    const shown = path.relative(process.cwd(), file) || file;
    try {
      return { shown, code: fs.readFileSync(file, 'utf8') };
    } catch (err) {
      problemCount += 1;
      console.error(`${shown}:1:1 unreadable — ${err.message}`);
      return { shown, code: null };
    }
  });
  const definedElsewhere = new Set();
  sources.forEach(({ code }) => {
    if (code !== null) definedMemberNames(code).forEach((name) => definedElsewhere.add(name));
  });
  sources.forEach(({ shown, code }) => {
    if (code === null) return;
    checkSource(code, shown, { definedElsewhere }).forEach((problem) => {
      problemCount += 1;
      console.error(formatProblem(shown, problem));
    });
  });
  const noun = files.length === 1 ? 'bundle' : 'bundles';
  const summary = `espruino-compat: ${files.length} ${noun}, ${problemCount} problem${problemCount === 1 ? '' : 's'}`;
  if (problemCount > 0) {
    console.error(summary);
    return 1;
  }
  console.log(summary);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
