// Parts kept in flash and loaded only while requests use them: the core's (MicroWebSrv2.http: parser,
// session, HttpRequest, HttpResponse; MicroWebSrv2.files: static files, ReturnFile, backends,
// validators, ranges) and the modules' (template renderer and compiler, WebSocket handshake and
// WebSocket). On a board every function of a loaded bundle costs about 6 variables whether it runs
// or not; a part costs none until a request needs it, and is released once unused for
// partSettings.idleMs. Loading it again reads it from Storage again: about 20 ms for the 29 KB HTTP
// part on Espruino's Linux build, several times that on a board, once per burst of requests rather
// than per request.

import { freeVariables } from './memory';

/** idleMs: a part unused this long is released (its objects still in use stay alive until done). */
export var partSettings = { idleMs: 10000 };

interface LoadedPart {
  exports: any;
  usedAt: number;
  /** Objects alive that need the part (holdPart): it is not released while there are any. */
  holds?: number;
}

var loadedParts: { [name: string]: LoadedPart } = {};

/** True when Storage holds the bundle, so require() can read it again after a release. */
function inStorage(name: string): boolean {
  try {
    // One byte: where Storage cannot map flash (the Linux build, some boards) a whole read copies the file.
    return require('Storage').read(name, 0, 1) !== undefined;
  } catch (e) {
    return false;
  }
}

/**
 * The exports of a part, loading it when it is not loaded; null, loading nothing, when that would
 * leave fewer than `reserveVars` free (a part takes about `partVars` once loaded): running out of
 * memory while loading code aborts the program, so the caller answers 503 instead.
 *
 * Callers keep the exports only while they use them (see src/core/parts.ts): a bundle that kept
 * them from its own load would keep the part loaded for good.
 */
export function loadPart<Exports>(name: string, partVars: number, reserveVars: number): Exports | null {
  var exports = takeKept(name);
  if (exports !== undefined) return exports;
  var needed = reserveVars + partVars;
  // Short of memory: parts and pages nothing holds go first, least recently used first, however
  // recently (on a 4,095-variable board the files part loaded for a page a moment ago must not keep
  // a WebSocket out). What goes can be loaded or made again; objects still using a part keep its
  // code alive, and the memory checks see the copy a new load would add.
  if (freeVariables(needed) < needed && !releaseUnheldParts(needed)) return null;
  exports = require(name);
  // Out of Espruino's module cache, so that releasing it here frees it. A part added with
  // Modules.addCached (sent as text, or by the Node shim's tests) cannot be read again: it stays.
  if (typeof Modules !== 'undefined' && inStorage(name)) Modules.removeCached(name);
  keepWhileUsed(name, exports);
  return exports;
}

/** Keeps any value as parts are kept, until unused for partSettings.idleMs (compiled pages: costly
 *  to hold on a board, cheap to make again). */
export function keepWhileUsed(name: string, value: any): void {
  loadedParts[name] = { exports: value, usedAt: Date.now() };
}

/** What is kept under `name` (a part's exports, or a keepWhileUsed value), marked as used now;
 *  undefined once released. */
export function takeKept(name: string): any {
  var part = loadedParts[name];
  if (!part) return undefined;
  part.usedAt = Date.now();
  return part.exports;
}

/** Lets go of what is kept under `name` now. */
export function forgetKept(name: string): void {
  delete loadedParts[name];
}

/**
 * For memory short now: releases the parts and pages nothing holds, least recently used first,
 * until `needed` variables are free; true once they are. A page compiled a moment ago stays while
 * an older part's release is enough (compiling it again may not fit where it was refused).
 */
export function releaseUnheldParts(needed: number): boolean {
  var names = Object.keys(loadedParts).filter(function (name) { return !loadedParts[name].holds; });
  names.sort(function (a, b) { return loadedParts[a].usedAt - loadedParts[b].usedAt; });
  for (var i = 0; i < names.length; i++) {
    forgetKept(names[i]);
    if (freeVariables(needed) >= needed) return true;
  }
  return false;
}

/** Releases the parts unused for partSettings.idleMs (from the pool's sweep). */
export function releaseIdleParts(now: number): void {
  // Names first, deleted after: Espruino's for-in loses its place when the property it stands on is
  // deleted (measured: only the first of several names went).
  var names = Object.keys(loadedParts);
  for (var i = 0; i < names.length; i++) {
    var part = loadedParts[names[i]];
    if (!part.holds && now - part.usedAt >= partSettings.idleMs) forgetKept(names[i]);
  }
}

/**
 * An object made from a loaded part stays alive (an open WebSocket): `+1` keeps the part loaded
 * until the matching `-1`. Released anyway, the part would stay in memory through that object's
 * prototype, and the next load would read a second copy.
 */
export function holdPart(name: string, change: number): void {
  var part = loadedParts[name];
  if (!part) return;
  // Never below 0: a release the matching +1 never reached (the part was not loaded then) must not
  // leave a count that keeps a later load of it for good.
  var holds = (part.holds || 0) + change;
  if (holds > 0) part.holds = holds;
  else delete part.holds;
  part.usedAt = Date.now();
}

/** Whether anything is kept: the pool's sweep, which releases them, runs until nothing is. A part
 *  loaded with no connection open (an application calling ResolvePhysicalPath at boot) waits for
 *  the next connection's sweep. */
export function anyPartLoaded(): boolean {
  for (var name in loadedParts) return true;
  return false;
}

export function isPartLoaded(name: string): boolean {
  return loadedParts.hasOwnProperty(name);
}
