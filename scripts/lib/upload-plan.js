// What `npm run upload` writes to a board, and the Espruino code that writes it: the bundles the app
// uses (Storage, under their module names), the web files (Storage under the name mapping of
// scripts/lib/storage-names.js, or an SD card), extra modules a board needs, and the boot code.
// Pure functions of their inputs, so they are unit-tested without a board.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const acorn = require('acorn');

const STORAGE_MAX_NAME = 28;
/** Storage keeps a 32-byte header per file (size and a 28-byte name) and aligns file starts. */
const STORAGE_HEADER_BYTES = 32;
const STORAGE_ALIGN = 8;
/** Bytes per Storage.write line: the CLI's own chunk size (a multiple of 3, so base64 has no padding inside). */
const CHUNK_BYTES = 384;
/** Bytes per slice when the board checks what was written (bounded memory on every board). */
const CHECK_SLICE = 512;
/** Lines the board prints for the tool start with this. */
const MARKER = '@@MWS2 ';
const CORE_BUNDLE = 'MicroWebSrv2';
/** The core and its parts (loaded by the core on demand): uploaded for every app. */
const { CORE_PARTS, MODULE_PARTS, PARTS } = require('./bundles');
const CORE_BUNDLES = [CORE_BUNDLE].concat(CORE_PARTS);

/** The modules, each followed by its parts (loaded by the module on demand) that dist/ has. */
function withModuleParts(modules, availableBundles) {
  const result = [];
  for (const module of modules) {
    result.push(module);
    for (const part of Object.keys(MODULE_PARTS)) {
      if (MODULE_PARTS[part] === module && availableBundles.includes(part)) result.push(part);
    }
  }
  return result;
}
const BUILTIN_PREFIX = 'MicroWebSrv2.';

/**
 * The optional bundles an app uses. A module is used when its short name (`WebSockets`) or bundle
 * name (`MicroWebSrv2.WebSockets`) appears as a string literal in the app: `LoadModule('WebSockets')`
 * directly, or through a helper of the app (the demo's loadOptionalModule('WebSockets')).
 */
function detectModules(appCode, availableBundles) {
  const strings = new Set();
  for (const token of acorn.tokenizer(appCode, { ecmaVersion: 2020, allowHashBang: true })) {
    if (token.type === acorn.tokTypes.string) strings.add(token.value);
  }
  return withModuleParts(availableBundles.filter((bundle) => {
    if (CORE_BUNDLES.includes(bundle) || PARTS.includes(bundle)) return false;
    const short = bundle.indexOf(BUILTIN_PREFIX) === 0 ? bundle.slice(BUILTIN_PREFIX.length) : bundle;
    return strings.has(short) || strings.has(bundle);
  }), availableBundles);
}

/** `--modules WebSockets,PyhtmlTemplate` (short or full names; `none` for the core only). */
function parseModulesOption(value, availableBundles) {
  if (value === 'none' || value === '') return [];
  if (value === 'all') return withModuleParts(availableBundles.filter((b) => !CORE_BUNDLES.includes(b) && !PARTS.includes(b)), availableBundles);
  const wanted = value.split(',').map((s) => s.trim()).filter(Boolean);
  const result = [];
  for (const name of wanted) {
    const bundle = name.indexOf(BUILTIN_PREFIX) === 0 ? name : BUILTIN_PREFIX + name;
    if (availableBundles.indexOf(bundle) < 0) {
      throw new Error('--modules: no bundle ' + bundle + ' in dist/ (have: ' + availableBundles.join(', ') + ')');
    }
    if (result.indexOf(bundle) < 0) result.push(bundle);
  }
  return withModuleParts(result, availableBundles);
}

/**
 * Storage-name mapping: scripts/lib/storage-names.js (the server's rule, shared with the files
 * issue) when present, else the same documented rule: RootPath `storage:w/` maps `/css/a.css` to
 * `w/css/a.css`. Returns a function giving the name, or throwing with the reason it cannot exist.
 */
function storageNameMapper() {
  let mod = null;
  try {
    mod = require('./storage-names');
  } catch (e) {
    mod = null;
  }
  if (mod && typeof mod.storageNameFor === 'function') return (prefix, urlPath) => mod.storageNameFor(prefix, urlPath);
  return function storageNameFor(prefix, urlPath) {
    const segments = urlPath.split('/');
    if (urlPath.charAt(0) !== '/' || urlPath.indexOf('\\') >= 0 || segments.indexOf('..') >= 0 || segments.indexOf('.') >= 0) {
      throw new Error(JSON.stringify(urlPath) + ' cannot be stored: not a safe URL path');
    }
    const name = Buffer.from(prefix + urlPath.slice(1), 'utf8').toString('latin1');
    if (name.length > STORAGE_MAX_NAME) {
      throw new Error(JSON.stringify(urlPath) + ' cannot be stored: its Storage name ' + JSON.stringify(name) + ' is ' +
        name.length + ' bytes, more than the ' + STORAGE_MAX_NAME + ' Storage allows');
    }
    return name;
  };
}

/** A JavaScript string literal of a byte string, ASCII only (the CLI reads what it sends as UTF-8). */
function jsString(bytes) {
  return JSON.stringify(bytes).replace(/[\u007f-\uffff]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

function walk(dir, base, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.charAt(0) === '.') continue;
    const full = path.join(dir, entry.name);
    const rel = base ? base + '/' + entry.name : entry.name;
    if (entry.isDirectory()) walk(full, rel, out);
    else if (entry.isFile()) out.push({ rel, full });
  }
  return out;
}

/**
 * The web files under `wwwDir` and where each goes. For `storage:<prefix>` RootPaths, every name is
 * checked before anything is written: `problems` lists the files whose Storage name would be too
 * long or clash with another, so a board never receives half a site.
 */
function planWebFiles(wwwDir, rootPath, storageNameFor) {
  const files = walk(wwwDir, '', []);
  const items = [];
  const problems = [];
  if (rootPath.indexOf('storage:') === 0) {
    const prefix = rootPath.slice('storage:'.length);
    const mapName = storageNameFor || storageNameMapper();
    const seen = {};
    for (const file of files) {
      const urlPath = '/' + file.rel;
      let name;
      try {
        name = mapName(prefix, urlPath);
      } catch (e) {
        problems.push(e.message);
        continue;
      }
      if (seen[name]) {
        problems.push(urlPath + ' -> "' + name + '" clashes with ' + seen[name]);
        continue;
      }
      seen[name] = urlPath;
      items.push({ kind: 'www', target: 'storage', name, urlPath, data: fs.readFileSync(file.full).toString('latin1') });
    }
  } else {
    const root = rootPath.replace(/\/+$/, '');
    for (const file of files) {
      items.push({ kind: 'www', target: 'sd', name: root + '/' + file.rel, urlPath: '/' + file.rel, data: fs.readFileSync(file.full).toString('latin1') });
    }
  }
  return { items, problems };
}

/** Bytes a set of Storage files takes, headers and alignment included. */
function storageBytesNeeded(items) {
  let total = 0;
  for (const item of items) {
    if (item.target !== 'storage') continue;
    total += STORAGE_HEADER_BYTES + Math.ceil(item.data.length / STORAGE_ALIGN) * STORAGE_ALIGN;
  }
  return total;
}

/**
 * Whether the files fit the board's Storage. `probe` is what the board reported: free bytes,
 * deleted-but-not-compacted bytes (reclaimed by the firmware when needed) and the sizes of files this
 * upload replaces.
 */
function checkStorageBudget(items, probe) {
  const needed = storageBytesNeeded(items);
  let replaced = 0;
  for (const item of items) {
    const size = probe.sizes && probe.sizes[item.name];
    if (item.target === 'storage' && typeof size === 'number' && size >= 0) {
      replaced += STORAGE_HEADER_BYTES + Math.ceil(size / STORAGE_ALIGN) * STORAGE_ALIGN;
    }
  }
  const available = probe.free + (probe.trash || 0) + replaced;
  const ok = needed <= available;
  let message = 'Storage: ' + needed + ' bytes to write, ' + available + ' available (' + probe.free + ' free' +
    (probe.trash ? ', ' + probe.trash + ' reclaimable' : '') + (replaced ? ', ' + replaced + ' in files replaced' : '') + ')';
  if (!ok) {
    const lines = items.filter((i) => i.target === 'storage')
      .map((i) => '  ' + String(i.data.length).padStart(7) + '  ' + i.name);
    message += '\nThe files do not fit:\n' + lines.join('\n') +
      '\nUpload fewer modules (--modules), put web files elsewhere (--no-www), or free Storage (require("Storage").eraseAll()).';
  }
  return { ok, needed, available, message };
}

/** Sum of the CRC-32 of each CHECK_SLICE slice: what the board computes over the file it wrote. */
function sliceChecksum(data) {
  let sum = 0;
  for (let offset = 0; offset < data.length; offset += CHECK_SLICE) {
    sum += zlib.crc32(Buffer.from(data.slice(offset, offset + CHECK_SLICE), 'latin1'));
  }
  return sum;
}

function b64(binary) {
  return Buffer.from(binary, 'latin1').toString('base64');
}

/**
 * Lines that write one Storage file, in the form the espruino CLI writes them itself
 * (`require("Storage").write(name, atob(...), offset[, total])`): the CLI recognises that form and
 * paces it on serial links.
 */
function storageWriteLines(name, data) {
  const lines = [];
  const fn = jsString(name);
  if (data.length === 0) return ['require("Storage").write(' + fn + ',"")'];
  for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) {
    const part = data.slice(offset, offset + CHUNK_BYTES);
    lines.push('require("Storage").write(' + fn + ',atob(' + JSON.stringify(b64(part)) + '),' + offset + (offset === 0 ? ',' + data.length : '') + ')');
  }
  return lines;
}

/** Lines that write one file on an SD card (or the Linux build's folder) through E.openFile. */
function sdWriteLines(filePath, data) {
  const fn = jsString(filePath);
  const dirs = [];
  const segments = filePath.split('/');
  for (let i = 1; i < segments.length; i++) dirs.push(segments.slice(0, i).join('/'));
  const lines = [];
  if (dirs.length) lines.push('(function(d){var f=require("fs");for(var i=0;i<d.length;i++){try{f.mkdirSync(d[i])}catch(e){}}})([' + dirs.map(jsString).join(',') + '])');
  lines.push('var _mws2f=E.openFile(' + fn + ',"w")');
  for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) {
    lines.push('_mws2f.write(atob(' + JSON.stringify(b64(data.slice(offset, offset + CHUNK_BYTES))) + '))');
  }
  lines.push('_mws2f.close();delete _mws2f');
  return lines;
}

/** A line that prints `@@MWS2 <kind> <json>` on the board. */
function markerLine(kind, jsonExpression) {
  return 'print(' + JSON.stringify(MARKER + kind + ' ') + '+JSON.stringify(' + jsonExpression + '))';
}

/** The board's check of a file it wrote: the same slice checksum, computed without reading it whole. */
function checkLine(item, index) {
  const reader = item.target === 'storage'
    ? 'function(o){return require("Storage").read(n,o,' + CHECK_SLICE + ')}'
    : '(function(){var f=E.openFile(n,"r");return function(o){var p=f.read(' + CHECK_SLICE + ');if(!p)f.close();return p}})()';
  return '(function(n,l,i){var r=' + reader + ',s=0,o=0,p;if(typeof E.CRC32!=="function"){' +
    'print(' + JSON.stringify(MARKER + 'check ') + '+JSON.stringify({i:i,sum:null}));return}' +
    'for(;o<l;o+=' + CHECK_SLICE + '){p=r(o);if(!p)break;s+=E.CRC32(p)>>>0}' +
    'print(' + JSON.stringify(MARKER + 'check ') + '+JSON.stringify({i:i,sum:s}))})(' +
    jsString(item.name) + ',' + item.data.length + ',' + index + ')';
}

/**
 * The whole upload as Espruino statements, one a line: for each item a start marker, its writes
 * and the board's check; then a final marker with Storage's state, and `load()` to boot the new code
 * unless `options.load` is false.
 */
function uploadScript(items, options) {
  options = options || {};
  const lines = [markerLine('begin', '{count:' + items.length + '}')];
  items.forEach((item, index) => {
    lines.push(markerLine('start', '{i:' + index + '}'));
    const writes = item.target === 'storage' ? storageWriteLines(item.name, item.data) : sdWriteLines(item.name, item.data);
    for (const line of writes) lines.push(line);
    lines.push(checkLine(item, index));
  });
  lines.push(markerLine('done', 'require("Storage").getStats?require("Storage").getStats():{freeBytes:require("Storage").getFree()}'));
  if (options.load !== false) lines.push('load()');
  // One statement a line, each ended: a line starting with '(' must not continue the one before.
  return lines.map((l) => l + ';').join('\n') + '\n';
}

/**
 * The expression the tool evaluates first: firmware, board, memory, Storage free space and the sizes
 * of the files about to be replaced. Sizes are probed with 1-byte reads, because on the Linux build
 * (and boards with SPI flash) Storage.read copies the whole file into RAM.
 */
function probeExpression(names) {
  return '(function(names){var S=require("Storage"),st=S.getStats?S.getStats():null,sizes={};' +
    'function size(n){if(S.read(n,0,1)===undefined)return -1;var lo=0,hi=1024;while(S.read(n,hi,1)){lo=hi;hi*=2}' +
    'while(hi-lo>1){var m=Math.floor((lo+hi)/2);if(S.read(n,m,1))lo=m;else hi=m}return hi}' +
    'for(var i=0;i<names.length;i++)sizes[names[i]]=size(names[i]);' +
    'return {version:process.version,board:process.env.BOARD,memory:process.memory(),' +
    'free:st?st.freeBytes:S.getFree(),trash:st?st.trashBytes:0,sizes:sizes,crc:typeof E.CRC32==="function"}})(' +
    '[' + names.map(jsString).join(',') + '])';
}

function probeStatement(names) {
  return markerLine('probe', probeExpression(names));
}

/** Parses `@@MWS2 <kind> <json>` from one line of the board's output; null for any other line. */
function parseMarker(line) {
  const at = line.indexOf(MARKER);
  if (at < 0) return null;
  const rest = line.slice(at + MARKER.length);
  const space = rest.indexOf(' ');
  if (space < 0) return null;
  try {
    return { kind: rest.slice(0, space), data: JSON.parse(rest.slice(space + 1)) };
  } catch (e) {
    return null;
  }
}

module.exports = {
  detectModules, parseModulesOption, planWebFiles, storageNameMapper,
  storageBytesNeeded, checkStorageBudget, sliceChecksum,
  storageWriteLines, sdWriteLines, uploadScript, jsString, probeStatement, probeExpression, parseMarker,
  MARKER, CORE_BUNDLE, CORE_BUNDLES, PARTS, CHUNK_BYTES, CHECK_SLICE, STORAGE_MAX_NAME,
};
