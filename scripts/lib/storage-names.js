// The URL path <-> Storage name mapping of a `storage:<prefix>` RootPath, for the tooling that
// uploads a site to flash. It must agree with the server's (src/parts/files/StorageBackend.ts,
// storageNameFor; test/files-storage-names.test.js checks both agree): a file that maps here is found
// by the server, and a file that cannot be mapped is reported at build time, not found missing on
// the board.
//
// Mapping: name = prefix + URL path without its leading '/' ('w/' + '/css/a.css' -> 'w/css/a.css'),
// and back: URL path = '/' + name without the prefix. Names are byte strings (one char per byte, as
// Espruino's): a file name in UTF-8 counts its UTF-8 bytes. A name longer than 28 bytes cannot exist
// (the firmware would cut it, and two files could then share a name).
'use strict';

const fs = require('fs');
const path = require('path');

/** Longest Storage name on Espruino 2v29 boards. */
const MAX_NAME_BYTES = 28;

/** A Node string (UTF-16) as the byte string Espruino sees for the same UTF-8 text. */
function toByteString(text) {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function checkPrefix(prefix) {
  if (typeof prefix !== 'string' || !prefix) {
    throw new Error('storage prefix must be a non-empty string such as "w/" (RootPath "storage:w/")');
  }
}

/**
 * Why a URL path (decoded, starting with '/') cannot name a file, or null when it can. Same rules as
 * the server's: no '.' or '..' segment, no backslash, no NUL, not a directory URL.
 */
function unsafeReason(urlPath) {
  if (typeof urlPath !== 'string' || urlPath.charAt(0) !== '/') return 'a URL path must start with "/"';
  if (urlPath.indexOf('\\') >= 0) return 'a URL path cannot contain a backslash';
  if (urlPath.indexOf('\0') >= 0) return 'a URL path cannot contain a NUL byte';
  if (urlPath.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'a URL path cannot contain a "." or ".." segment';
  }
  if (urlPath.endsWith('/')) return 'a URL path ending in "/" names a directory, not a file';
  return null;
}

/**
 * The Storage name for `urlPath` (a byte string when the path is not ASCII). Throws with a message
 * that names the path when it cannot be mapped. `urlPath` is a decoded path as Node sees it
 * (UTF-16, e.g. '/café.html'); `options.byteString` says it already is one byte per char.
 * @param {string} prefix e.g. 'w/' for RootPath 'storage:w/'
 * @param {string} urlPath e.g. '/css/style.css'
 * @param {{maxNameBytes?: number, byteString?: boolean}} [options]
 * @returns {string}
 */
function storageNameFor(prefix, urlPath, options = {}) {
  checkPrefix(prefix);
  const maxBytes = options.maxNameBytes || MAX_NAME_BYTES;
  const reason = unsafeReason(urlPath);
  if (reason) throw new Error(`${JSON.stringify(urlPath)} cannot be stored: ${reason}`);
  const bytes = options.byteString ? urlPath : toByteString(urlPath);
  const name = toByteString(prefix) + bytes.substring(1);
  if (name.length > maxBytes) {
    throw new Error(`${JSON.stringify(urlPath)} cannot be stored: its Storage name ${JSON.stringify(name)} is ` +
      `${name.length} bytes, more than the ${maxBytes} Storage allows (shorten the path or the prefix)`);
  }
  return name;
}

/**
 * The URL path a Storage name is served at (a byte string, as the name), or null when the name
 * does not start with the prefix.
 * @param {string} prefix
 * @param {string} name
 * @returns {string|null}
 */
function urlPathFor(prefix, name) {
  checkPrefix(prefix);
  const bytesPrefix = toByteString(prefix);
  return name.startsWith(bytesPrefix) ? '/' + name.substring(bytesPrefix.length) : null;
}

/** Every file under `dir` as [relative path with '/' separators], sorted. */
function listFiles(dir) {
  const out = [];
  const walk = (relative) => {
    const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries) {
      const child = relative ? relative + '/' + entry.name : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Maps every file of a folder. Each entry: { file (path relative to dir), urlPath, name } when it
 * maps, or { file, urlPath, error } when it cannot.
 * @param {string} prefix
 * @param {string} dir
 * @param {{maxNameBytes?: number}} [options]
 */
function mapTree(prefix, dir, options = {}) {
  return listFiles(dir).map((file) => {
    const urlPath = '/' + file;
    try {
      return { file, urlPath, name: storageNameFor(prefix, urlPath, options) };
    } catch (error) {
      return { file, urlPath, error: error.message };
    }
  });
}

/**
 * The files of a folder that cannot be stored under `prefix`: [{ file, urlPath, error }], empty
 * when the whole folder can be uploaded.
 */
function checkTree(prefix, dir, options = {}) {
  checkPrefix(prefix);
  return mapTree(prefix, dir, options).filter((entry) => entry.error !== undefined);
}

module.exports = { MAX_NAME_BYTES, storageNameFor, urlPathFor, mapTree, checkTree, toByteString };
