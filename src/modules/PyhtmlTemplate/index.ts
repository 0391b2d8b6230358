// The PyhtmlTemplate module: MicroWebSrv2.LoadModule('PyhtmlTemplate'). Serves `.pyhtml` pages under
// RootPath: the original's instruction set with JavaScript inside (see compiler.ts). Its bundle is
// separate from the core (`MicroWebSrv2.PyhtmlTemplate`), so a board without pages does not carry it.
//
// Only GET and HEAD of a path ending in `.pyhtml` are the module's: other methods go on to the routes
// and the core (OPTIONS, or 405 with Allow), and a missing page to the static files (not found).
//
// A page compiles once and stays cached until its file changes (size or modification time, which
// some filesystems keep in whole seconds) or until unused for partSettings.idleMs, as parts are
// (a compiled page holds its generated code in RAM: the demo's 2.8 KB page, about 500 variables on
// Espruino 2v29). The whole page is rendered before anything is sent: on Espruino a syntax error only
// shows while the page runs, and a 500 must still be possible then.
// The page is held once, as the UTF-8 bytes sent, and MaxPageLength bounds it.

import { CompiledTemplate, isTemplateError, TemplateScope, templateOf } from './runtime';
import { utf8Encode } from '../../text/utf8';
import { htmlEscape } from '../../text/html';
import { freeVariables, variablesForBytes } from '../../platform/memory';
import { forgetKept, isPartLoaded, keepWhileUsed, loadPart, takeKept } from '../../platform/parts';

/** The compiler, a part loaded on demand (compilerPart.ts). */
var COMPILER_PART = 'MicroWebSrv2.pyhtml-compile';
/** Variables the compiler takes while loaded, with margin (measured: docs/MEMORY.md). */
var COMPILER_PART_VARIABLES = 400;

interface CachedPage {
  size: number;
  mtime: number;
  template: CompiledTemplate;
}

var EXTENSION = '.pyhtml';
var NON_ASCII = /[^\x00-\x7f]/;
/** Compiled pages kept at once: each costs variables on a board, a recompile only costs time. */
var CACHE_SIZE = 4;
/** Prefix of a compiled page's name in the parts' table. */
var PAGE_KEY = 'pyhtml:';

/** Raised when a page grows past MaxPageLength while rendering. */
function PageTooLarge(this: any, limit: number) {
  this.message = 'Page output over MaxPageLength (' + limit + ' bytes)';
}

/** Raised when compiling or rendering a page would cut into MemoryReserveVars: answered 503. */
function MemoryShort(this: any, what: string) {
  this.message = 'Not enough free memory to ' + what;
}

/** A page's source, counted in variables, this many times over is alive while it compiles: the source
 *  (about once), the generated code and the function made from it (each about 1.8 times; measured on
 *  the demo's 2,766-byte page: the function alone holds 498 variables), with margin. */
var COMPILE_COPIES = 5;
/** A page being rendered checks free memory each time it has grown by this many bytes. */
var RENDER_CHECK_BYTES = 512;

export class PyhtmlTemplate {
  /** Show the error and its template line on the 500 page (HTML-escaped, without physical paths). */
  ShowDebug = false;
  /** Largest rendered page, in bytes of UTF-8; a bigger one is a 500. The page is held in RAM until
   *  sent: on a board with 8,190 variables a 30 KB page already runs out of memory. */
  MaxPageLength = 8 * 1024;
  private globals: TemplateScope = {};
  /** Names of the pages compiled, oldest first (some may have been released since). */
  private cache: string[] = [];

  SetGlobalVar(globalVarName: string, globalVar: any): void {
    if (typeof globalVarName !== 'string' || !globalVarName) throw new Error('SetGlobalVar: name must be a non-empty string');
    this.globals[globalVarName] = globalVar === undefined ? null : globalVar;
  }

  GetGlobalVar(globalVarName: string): any {
    if (typeof globalVarName !== 'string' || !globalVarName) throw new Error('GetGlobalVar: name must be a non-empty string');
    var value = this.globals[globalVarName];
    return value === undefined ? null : value;
  }

  OnRequest(microWebSrv2: any, request: any): void {
    // Other methods go on to the routes and the core, which answer OPTIONS, or 405 with Allow.
    if (request.Method !== 'GET' && request.Method !== 'HEAD') return;
    if (!isPagePath(request.Path)) return;
    var physicalPath: string | null = microWebSrv2.ResolvePhysicalPath(request.Path);
    // No such page (or a directory of that name, served by its default page): the routes, then the
    // static files answer, with not found as for any file.
    if (physicalPath === null || !isPagePath(physicalPath)) return;
    var response = request.Response;
    var bytes = '';
    var limit = this.MaxPageLength;
    var reserve = microWebSrv2.MemoryReserveVars || 0;
    var checkedAt = 0;
    // Set when the render stops for memory: the template runtime turns what the writer throws into a
    // TemplateError, so the kind of failure is kept here.
    var renderShort = false;
    try {
      var template = this.load(microWebSrv2, physicalPath);
      if (template === null) {
        response.ReturnNotFound();
        return;
      }
      this.globals.Request = request;
      // Each piece becomes bytes as it comes, so the page is held once, as the bytes sent.
      template.render(this.globals, function (text: string) {
        var piece = toUtf8Bytes(text);
        // Checked before joining: a board must not even try to build the string that is too long.
        if (bytes.length + piece.length > limit) throw new (PageTooLarge as any)(limit);
        // Joining copies the page: on a board, stop (503) before that cuts into the reserve.
        if (bytes.length + piece.length - checkedAt >= RENDER_CHECK_BYTES) {
          checkedAt = bytes.length + piece.length;
          var needed = reserve + variablesForBytes(checkedAt);
          if (freeVariables(needed) < needed) {
            renderShort = true;
            throw new (MemoryShort as any)('render the page');
          }
        }
        bytes += piece;
      });
    } catch (e) {
      if (renderShort || e instanceof (MemoryShort as any)) {
        microWebSrv2.Log('Template ' + request.Path + ': ' + (e as any).message, 2);
        response.SetHeader('Retry-After', 1);
        response.ReturnServiceUnavailable();
        return;
      }
      this.fail(microWebSrv2, request, e);
      return;
    } finally {
      // The request must not stay reachable from the globals once answered.
      this.globals.Request = null;
    }
    sendPage(response, 200, bytes);
  }

  /** The compiled page, from the cache while the file is unchanged; null when it cannot be read. */
  private load(microWebSrv2: any, physicalPath: string): CompiledTemplate | null {
    var files = microWebSrv2.files;
    var info = files.stat(physicalPath);
    if (info === null || info.dir) return null;
    var key = PAGE_KEY + physicalPath;
    var cached: CachedPage | undefined = takeKept(key);
    if (cached !== undefined && cached.size === info.size && cached.mtime === info.mtime) return cached.template;
    var needed = (microWebSrv2.MemoryReserveVars || 0) + COMPILE_COPIES * variablesForBytes(info.size) +
      (isPartLoaded(COMPILER_PART) ? 0 : COMPILER_PART_VARIABLES);
    if (freeVariables(needed) < needed) throw new (MemoryShort as any)('compile the page');
    var source = readAll(files.open(physicalPath));
    if (source === null) return null;
    // Page files are UTF-8: the compiler scans the bytes and decodes only the code it generates.
    var template = templateOf(compiler(microWebSrv2).compilePage(source, { utf8Bytes: true }));
    // Nothing keeps the compiler once the page is compiled: with memory short, release it now
    // rather than after partSettings.idleMs (the next page to compile reads it again).
    var roomToKeep = (microWebSrv2.MemoryReserveVars || 0) + 2 * COMPILER_PART_VARIABLES;
    if (freeVariables(roomToKeep) < roomToKeep) forgetKept(COMPILER_PART);
    keepWhileUsed(key, { size: info.size, mtime: info.mtime, template: template });
    var names: string[] = [];
    for (var i = 0; i < this.cache.length; i++) {
      if (this.cache[i] !== key && isPartLoaded(this.cache[i])) names.push(this.cache[i]);
    }
    names.push(key);
    while (names.length > CACHE_SIZE) forgetKept(names.shift() as string);
    this.cache = names;
    return template;
  }

  private fail(microWebSrv2: any, request: any, error: any): void {
    var message = String(error && error.message !== undefined ? error.message : error);
    var where = isTemplateError(error) ? ' (line ' + error.line + ')' : '';
    microWebSrv2.Log('Template ' + request.Path + where + ': ' + message, 3);
    var response = request.Response;
    if (response.HeadersSent) return;
    if (!this.ShowDebug) {
      response.ReturnInternalServerError();
      return;
    }
    sendPage(response, 500, toUtf8Bytes('<!DOCTYPE html><html><head><title>Template error</title></head><body>' +
      '<h2>Template error in ' + htmlEscape(request.Path) + where + '</h2><pre>' + htmlEscape(message) +
      '</pre></body></html>'));
  }
}

/** Sends a page already in UTF-8 bytes: Return() would encode it a second time. */
function sendPage(response: any, code: number, bytes: string): void {
  if (!bytes) {
    response.Return(code, '');
    return;
  }
  response.ContentType = 'text/html';
  response.ContentCharset = 'UTF-8';
  response.ContentLength = bytes.length;
  response.ReturnStream(code, bytes);
}

/** The compiler part; throws (a 500 for the page) when loading it would cut into MemoryReserveVars. */
function compiler(microWebSrv2: any): any {
  var part = loadPart(COMPILER_PART, COMPILER_PART_VARIABLES, microWebSrv2.MemoryReserveVars || 0);
  if (part === null) throw new Error('Not enough free memory to load the page compiler');
  return part;
}

function isPagePath(path: string): boolean {
  return path.length > EXTENSION.length && path.substring(path.length - EXTENSION.length).toLowerCase() === EXTENSION;
}

/** Page text as UTF-8 bytes. Espruino builds with Unicode strings hold UTF-8 flagged strings, whose
 *  bytes E.toUint8Array gives natively; a flagged string must never be joined to the bytes, even an
 *  ASCII one, or the bytes joined after it would be read as characters and encoded twice. */
function toUtf8Bytes(text: string): string {
  var espruino: any = typeof E !== 'undefined' ? E : null;
  if (espruino !== null && espruino.isUTF8 && espruino.isUTF8(text)) return espruino.toString(espruino.toUint8Array(text));
  // Most pieces are ASCII: a native test spares them the character loop of utf8Encode.
  return NON_ASCII.test(text) ? utf8Encode(text) : text;
}

function readAll(source: any): string | null {
  if (source === null) return null;
  var data = '';
  var piece: string | undefined;
  while ((piece = source.read(1024))) data += piece;
  if (source.close) source.close();
  return data;
}
