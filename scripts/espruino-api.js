#!/usr/bin/env node
'use strict';
// Lists the JavaScript API of an Espruino release, by name, from the `/*JSON{...}*/` declarations
// in its jswrap_*.c files (the interpreter's own API table, from which its build generates the
// built-in symbol table). Only names and the conditions they are declared under are kept.
//
//   node scripts/espruino-api.js <Espruino git dir or checkout> [tag] [--out file.json]
//
// Default tag RELEASE_2V29, default output scripts/lib/espruino-<version>-api.json. Needs git; not
// used by the tests, which read the committed JSON.

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

/** Boards the project targets (see boards/*.json): their libraries and defines decide what is built. */
const TARGET_BOARDS = ['LINUX', 'ESP32', 'ESP32C3_IDF4', 'ESPRUINOWIFI', 'PICO_R1_3'];

const MEMBER_KINDS = Object.assign(Object.create(null), {
  staticmethod: 'statics',
  staticproperty: 'statics',
  method: 'prototype',
  property: 'prototype',
  event: 'events',
});
const CONDITION_KEYS = ['ifdef', 'ifndef', '#if'];

function usage(message) {
  if (message) console.error(message);
  console.error('usage: node scripts/espruino-api.js <Espruino git dir or checkout> [tag] [--out file.json]');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { repo: null, tag: 'RELEASE_2V29', out: null };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = argv[++i];
    else if (argv[i].startsWith('-')) usage(`unknown option ${argv[i]}`);
    else positional.push(argv[i]);
  }
  if (positional.length < 1 || positional.length > 2) usage();
  args.repo = positional[0];
  if (positional[1]) args.tag = positional[1];
  return args;
}

function makeGit(repo) {
  // A bare git dir (or .git) has HEAD and objects/; anything else is treated as a work tree.
  const bare = fs.existsSync(path.join(repo, 'HEAD')) && fs.existsSync(path.join(repo, 'objects'));
  const base = bare ? ['--git-dir', repo] : ['-C', repo];
  return (...args) => execFileSync('git', base.concat(args), { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** The JSON part of each declaration: from "/*JSON" to the first line starting with "}". */
function declarationsIn(code, file) {
  const found = [];
  const pattern = /\/\*JSON([\s\S]*?)\*\//g;
  let match;
  while ((match = pattern.exec(code)) !== null) {
    const body = match[1];
    const end = body.indexOf('\n}');
    if (end < 0) throw new Error(`${file}: declaration without a closing "}" at offset ${match.index}`);
    let declaration;
    try {
      declaration = JSON.parse(body.slice(0, end + 2));
    } catch (err) {
      throw new Error(`${file}: unreadable declaration at offset ${match.index}: ${err.message}`);
    }
    declaration.file = file;
    found.push(declaration);
  }
  return found;
}

function conditionsOf(declaration) {
  const conditions = {};
  CONDITION_KEYS.forEach((key) => {
    if (Object.prototype.hasOwnProperty.call(declaration, key)) conditions[key] = declaration[key];
  });
  return conditions;
}

/**
 * Where a name is declared: {} when unconditional and in its class's own file, otherwise the file
 * and/or the conditions; a list when declared more than once (any one of them makes it exist).
 */
function addDeclaration(table, name, declaration, homeFile) {
  const where = conditionsOf(declaration);
  if (declaration.file !== homeFile) where.file = declaration.file;
  if (declaration.generate === false) where.generated = false; // set by C code, not by the wrapper
  const previous = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  const list = previous === undefined ? [] : Array.isArray(previous) ? previous : [previous];
  const key = JSON.stringify(where);
  if (!list.some((item) => JSON.stringify(item) === key)) list.push(where);
  const unconditional = list.find((item) => Object.keys(item).length === 0);
  table[name] = unconditional || (list.length === 1 ? list[0] : list);
}

function emptyClass(kind) {
  return { kind, files: [], statics: {}, prototype: {}, events: {} };
}

function buildApi(declarations) {
  const classes = {};
  const globals = { functions: {}, variables: {}, objects: {} };
  const classOf = (name, kind) => {
    if (!Object.prototype.hasOwnProperty.call(classes, name)) classes[name] = emptyClass(kind);
    return classes[name];
  };

  // Classes and libraries first, so members know their class's own file.
  declarations.forEach((d) => {
    if (d.patch) return; // a patch changes how an existing entry is built, never adds a name
    if (d.type !== 'class' && d.type !== 'library') return;
    const entry = classOf(d.class, d.type);
    entry.kind = d.type === 'library' ? 'library' : entry.kind;
    if (entry.files.indexOf(d.file) < 0) entry.files.push(d.file);
    if (d.library) entry.library = d.library;
    if (d.prototype) entry.inherits = d.prototype;
    entry.declared = entry.declared || {};
    addDeclaration(entry.declared, 'class', d, entry.files[0]);
  });

  declarations.forEach((d) => {
    if (d.patch) return;
    if (MEMBER_KINDS[d.type] && d.class) {
      const entry = classOf(d.class, 'class');
      addDeclaration(entry[MEMBER_KINDS[d.type]], d.name, d, entry.files[0]);
    } else if (d.type === 'constructor') {
      const entry = classOf(d.class, 'class');
      if (entry.files.length === 0) entry.files.push(d.file); // Boolean has a constructor and nothing else
      entry.ctor = entry.ctor || {};
      addDeclaration(entry.ctor, 'new', d, entry.files[0]);
    } else if (d.type === 'function') {
      addDeclaration(globals.functions, d.name, d, null);
    } else if (d.type === 'variable') {
      addDeclaration(globals.variables, d.name, d, null);
    } else if (d.type === 'object') {
      addDeclaration(globals.objects, d.name, d, null);
      const where = globals.objects[d.name];
      (Array.isArray(where) ? where : [where]).forEach((item) => { item.instanceof = d.instanceof; });
    }
  });

  Object.keys(classes).forEach((name) => {
    const entry = classes[name];
    const ordered = { kind: entry.kind };
    if (entry.library) ordered.library = entry.library;
    if (entry.inherits) ordered.inherits = entry.inherits;
    if (entry.files.length === 1) ordered.file = entry.files[0];
    else ordered.files = entry.files;
    if (entry.declared && Object.keys(entry.declared.class).length > 0) ordered.declared = entry.declared.class;
    if (entry.ctor) ordered.new = entry.ctor.new;
    ['statics', 'prototype', 'events'].forEach((part) => {
      if (Object.keys(entry[part]).length > 0) ordered[part] = sortKeys(entry[part]);
    });
    classes[name] = ordered;
  });
  return {
    classes: sortKeys(classes),
    globals: { functions: sortKeys(globals.functions), variables: sortKeys(globals.variables), objects: sortKeys(globals.objects) },
  };
}

/** JSON with one line per name: objects and lists that hold only flat values are written inline. */
function formatJson(value, indent) {
  const flat = (v) => v === null || typeof v !== 'object' ||
    Object.keys(v).every((k) => v[k] === null || typeof v[k] !== 'object' || (Array.isArray(v[k]) && v[k].every((x) => typeof x !== 'object')));
  const inline = (v) => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return '[' + v.map(inline).join(', ') + ']';
    return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ': ' + inline(v[k])).join(', ') + '}';
  };
  if (flat(value) || (Array.isArray(value) && value.every(flat) && inline(value).length < 100)) return inline(value);
  const inner = indent + ' ';
  if (Array.isArray(value)) return '[\n' + value.map((v) => inner + formatJson(v, inner)).join(',\n') + '\n' + indent + ']';
  const keys = Object.keys(value);
  return '{\n' + keys.map((k) => inner + JSON.stringify(k) + ': ' + formatJson(value[k], inner)).join(',\n') + '\n' + indent + '}';
}

function sortKeys(object) {
  const sorted = {};
  Object.keys(object).sort().forEach((key) => { sorted[key] = object[key]; });
  return sorted;
}

// ---------------------------------------------------------------------------------------------
// Build conditions: which make files add each jswrap file, under which ifdef/ifeq nesting.

function makeConditions(git, tag, makeFiles, wrapperFiles) {
  const added = {};
  const includes = []; // {pattern, if}: a make file includes others under its own nesting
  const parse = (makeFile) => {
    const text = git('show', `${tag}:${makeFile}`);
    const variables = {};
    const stack = [];
    const found = [];
    const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
    lines.forEach((raw) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '') return;
      let m;
      if ((m = /^(ifeq|ifneq|ifdef|ifndef)\s+(.*)$/.exec(line))) {
        stack.push([`${m[1]} ${m[2].trim()}`]);
      } else if ((m = /^else(?:\s+(ifeq|ifneq|ifdef|ifndef)\s+(.*))?$/.exec(line))) {
        const level = stack.pop() || [];
        const negated = level.filter((c) => !c.startsWith('not ')).map((c) => `not ${c}`)
          .concat(level.filter((c) => c.startsWith('not ')));
        stack.push(m[1] ? negated.concat(`${m[1]} ${m[2].trim()}`) : negated);
      } else if (line === 'endif') {
        stack.pop();
      } else if ((m = /^-?include\s+(\S+)$/.exec(line))) {
        const escaped = m[1].split(/\$\(\w+\)/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        const pattern = new RegExp('^' + escaped.join('[^/]+') + '$');
        includes.push({ pattern, literal: escaped.length === 1, if: [].concat(...stack) });
      } else if ((m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*(\S+)\s*$/.exec(line))) {
        variables[m[1]] = m[2];
      } else if ((m = /^WRAPPERSOURCES\s*\+=\s*(.*)$/.exec(line))) {
        m[1].split(/\s+/).filter(Boolean).forEach((word) => {
          const file = word.replace(/\$\((\w+)\)/g, (all, name) => (variables[name] !== undefined ? variables[name] : all));
          if (wrapperFiles.indexOf(file) >= 0) found.push({ file, make: makeFile, if: [].concat(...stack) });
        });
      }
    });
    return found;
  };
  // The top-level Makefile first: its includes give the conditions of the files it includes.
  const ordered = makeFiles.filter((f) => f === 'Makefile').concat(makeFiles.filter((f) => f !== 'Makefile'));
  ordered.forEach((makeFile) => {
    parse(makeFile).forEach((hit) => {
      const matching = makeFile === 'Makefile' ? [] : includes.filter((inc) => inc.pattern.test(makeFile));
      const include = matching.find((inc) => inc.literal) || matching[0];
      const conditions = include ? include.if.concat(hit.if) : hit.if;
      added[hit.file] = added[hit.file] || [];
      added[hit.file].push({ make: makeFile, if: conditions });
    });
  });
  return sortKeys(added);
}

// ---------------------------------------------------------------------------------------------
// Target boards: their libraries (USE_<name> in the Makefile) and defines, read from boards/*.py.

function boardInfo(git, tag, board) {
  let text;
  try {
    text = git('show', `${tag}:boards/${board}.py`);
  } catch (err) {
    return null;
  }
  const withoutComments = text.split('\n').map((line) => line.replace(/#.*$/, '')).join('\n');
  const listAfter = (key) => {
    const m = new RegExp(`'${key}'\\s*:\\s*\\[([\\s\\S]*?)\\]`).exec(withoutComments);
    return m ? (m[1].match(/'[^']*'|"[^"]*"/g) || []).map((s) => s.slice(1, -1)) : [];
  };
  const family = /'family'\s*:\s*"([^"]+)"/.exec(withoutComments);
  const defines = [];
  const makeSettings = [];
  listAfter('makefile').forEach((setting) => {
    const defs = setting.match(/-D[A-Za-z0-9_]+(=\S+)?/g);
    if (/^\s*DEFINES\s*\+?=/.test(setting) && defs) defs.forEach((d) => defines.push(d.slice(2)));
    else makeSettings.push(setting);
  });
  return { family: family ? family[1] : null, libraries: listAfter('libraries'), defines, make: makeSettings };
}

// ---------------------------------------------------------------------------------------------

function main() {
  const args = parseArgs(process.argv.slice(2));
  const git = makeGit(args.repo);
  const commit = git('rev-parse', `${args.tag}^{commit}`).trim();
  const tree = git('ls-tree', '-r', '--name-only', args.tag).split('\n').filter(Boolean);
  const wrapperFiles = tree.filter((file) => /^(src|libs|targets)\/(.*\/)?jswrap[^/]*\.c$/.test(file)).sort();
  const declarations = [];
  wrapperFiles.forEach((file) => {
    declarations.push(...declarationsIn(git('show', `${args.tag}:${file}`), file));
  });
  const api = buildApi(declarations);
  const makeFiles = tree.filter((file) => file === 'Makefile' || /^make\/.*\.make$/.test(file)).sort();
  const boards = {};
  TARGET_BOARDS.forEach((board) => {
    const info = boardInfo(git, args.tag, board);
    if (info) boards[board] = info;
  });
  let version = null;
  try {
    const versionMatch = /#define\s+JS_VERSION\s+"([^"]+)"/.exec(git('show', `${args.tag}:src/jsutils.h`));
    version = versionMatch ? versionMatch[1] : null;
  } catch (err) {
    version = null;
  }
  const data = {
    about: 'Names of the JavaScript API of an Espruino release, from the /*JSON{...}*/ declarations of its ' +
      'jswrap_*.c files, generated by scripts/espruino-api.js (do not edit by hand). Per class: "statics" ' +
      '(Class.name), "prototype" (instance methods and properties; those of Object apply to every object), ' +
      '"events", "new" (a constructor). Each name maps to where it is declared: {} when unconditional in the class\'s own file, else its ' +
      'file and ifdef/ifndef/#if conditions (a list when declared several times); "generated": false marks a ' +
      'property that C code sets and the wrapper does not declare. "kind": "library" is require(name); a class with ' +
      '"library" is reached through that library. "build" says which make files add each jswrap file and under which ' +
      'conditions; "boards" lists the target boards\' libraries (USE_<name>) and defines.',
    tag: args.tag,
    commit,
    version,
    declarations: declarations.length,
    classes: api.classes,
    globals: api.globals,
    build: makeConditions(git, args.tag, makeFiles, wrapperFiles),
    boards,
  };
  const out = args.out || path.join(__dirname, 'lib', `espruino-${version || args.tag}-api.json`);
  fs.writeFileSync(out, formatJson(data, '') + '\n');
  const count = (part) => Object.keys(api.classes).reduce((n, name) => n + Object.keys(api.classes[name][part] || {}).length, 0);
  console.log(`${path.relative(process.cwd(), out)}: ${declarations.length} declarations in ${wrapperFiles.length} files, ` +
    `${Object.keys(api.classes).length} classes/libraries, ${count('statics')} statics, ${count('prototype')} prototype members, ` +
    `${Object.keys(api.globals.functions).length} global functions`);
}

if (require.main === module) main();

module.exports = { declarationsIn, buildApi };
