// The MicroWebSrv2.pyhtml-render part: what serves a `.pyhtml` page (compiled-page cache, rendering,
// error pages), a bundle of its own that the PyhtmlTemplate module loads from Storage when a page is
// asked for and that is released when idle (src/core/platform/partLoader.ts): a board serving no page holds
// only the module's settings and its OnRequest check. Compiled pages are made with this part's
// runtime, so they are released no later than it (both are marked used by every render).

import { CompiledTemplate, isTemplateError, templateOf } from '../runtime';
import { utf8Encode } from '../../../core/text/utf8';
import { htmlEscape } from '../../../core/text/html';
import { freeVariables, variablesForBytes } from '../../../core/platform/memory';
import { forgetKept, isPartLoaded, keepWhileUsed, loadPart, takeKept } from '../../../core/platform/partLoader';
import { FILES_PART, PYHTML_COMPILE_PART } from '../../../manifest';
import { filesPart } from '../../../core/parts';
import type { PyhtmlTemplate } from '../module';
import type { CompilePart } from '../compile';
import { LogLevel, ServerContext } from '../../../core/ServerContext';
import type { HttpRequest } from '../../../parts/http/HttpRequest';
import type { HttpResponse } from '../../../parts/http/HttpResponse';
import type { ByteSource } from '../../../core/transport/Connection';
import type { FileBackend } from '../../../parts/files/FileBackend';

interface CachedPage {
  size: number;
  mtime: number;
  template: CompiledTemplate;
}

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

/** Renders the page at `physicalPath` (a `.pyhtml` file under RootPath) and answers with it. */
export function servePage(module: PyhtmlTemplate, microWebSrv2: ServerContext, request: HttpRequest, physicalPath: string): void {
  var response = request.Response;
  var bytes = '';
  var limit = module.MaxPageLength;
  var reserve = microWebSrv2.MemoryReserveVars || 0;
  var checkedAt = 0;
  // Set when the render stops for memory: the template runtime turns what the writer throws into a
  // TemplateError, so the kind of failure is kept here.
  var renderShort = false;
  var globals = module.globals;
  try {
    var template = loadPage(module, microWebSrv2, physicalPath);
    if (template === null) {
      response.ReturnNotFound();
      return;
    }
    globals.Request = request;
    // Each piece becomes bytes as it comes, so the page is held once, as the bytes sent.
    template.render(globals, function (text: string) {
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
      microWebSrv2.Log('Template ' + request.Path + ': ' + (e as any).message, LogLevel.WARNING);
      response.SetHeader('Retry-After', 1);
      response.ReturnServiceUnavailable();
      return;
    }
    fail(module, microWebSrv2, request, e);
    return;
  } finally {
    // The request must not stay reachable from the globals once answered.
    globals.Request = null;
  }
  sendPage(response, 200, bytes);
}

/** The compiled page, from the cache while the file is unchanged; null when it cannot be read. */
function loadPage(module: PyhtmlTemplate, microWebSrv2: ServerContext, physicalPath: string): CompiledTemplate | null {
  // Not microWebSrv2.files, which throws (a 500) when the part cannot be loaded: memory short is 503.
  var part = filesPart(microWebSrv2);
  if (part === null) throw new (MemoryShort as any)('load ' + FILES_PART.name);
  var files: FileBackend | null = part.files;
  var info = files.stat(physicalPath);
  if (info === null || info.dir) return null;
  var key = PAGE_KEY + physicalPath;
  var cached: CachedPage | undefined = takeKept(key);
  if (cached !== undefined && cached.size === info.size && cached.mtime === info.mtime) return cached.template;
  var needed = (microWebSrv2.MemoryReserveVars || 0) + COMPILE_COPIES * variablesForBytes(info.size) +
    (isPartLoaded(PYHTML_COMPILE_PART.name) ? 0 : PYHTML_COMPILE_PART.variables);
  // Compiling needs no files part: when only its memory is missing, it is let go below.
  var filesRoom = isPartLoaded(FILES_PART.name) ? FILES_PART.variables : 0;
  if (freeVariables(needed) + filesRoom < needed) throw new (MemoryShort as any)('compile the page');
  var source = readAll(files.open(physicalPath));
  files = null;
  if (source === null) return null;
  if (freeVariables(needed) < needed) {
    // Released now rather than after partSettings.idleMs (the next file to serve reads it again):
    // on a 4,095-variable board this is what lets a page of about 1 KB compile at all.
    forgetKept(FILES_PART.name);
    if (freeVariables(needed) < needed) throw new (MemoryShort as any)('compile the page');
  }
  // Page files are UTF-8: the compiler scans the bytes and decodes only the code it generates.
  var template = templateOf(compiler(microWebSrv2).compilePage(source, { utf8Bytes: true }));
  // Nothing keeps the compiler once the page is compiled: with memory short, release it now
  // rather than after partSettings.idleMs (the next page to compile reads it again).
  var roomToKeep = (microWebSrv2.MemoryReserveVars || 0) + 2 * PYHTML_COMPILE_PART.variables;
  if (freeVariables(roomToKeep) < roomToKeep) forgetKept(PYHTML_COMPILE_PART.name);
  keepWhileUsed(key, { size: info.size, mtime: info.mtime, template: template });
  var names: string[] = [];
  var kept = module.pageKeys;
  for (var i = 0; i < kept.length; i++) {
    if (kept[i] !== key && isPartLoaded(kept[i])) names.push(kept[i]);
  }
  names.push(key);
  while (names.length > CACHE_SIZE) forgetKept(names.shift() as string);
  module.pageKeys = names;
  return template;
}

function fail(module: PyhtmlTemplate, microWebSrv2: ServerContext, request: HttpRequest, error: any): void {
  var message = String(error && error.message !== undefined ? error.message : error);
  var where = isTemplateError(error) ? ' (line ' + error.line + ')' : '';
  microWebSrv2.Log('Template ' + request.Path + where + ': ' + message, LogLevel.ERROR);
  var response = request.Response;
  if (response.HeadersSent) return;
  if (!module.ShowDebug) {
    response.ReturnInternalServerError();
    return;
  }
  sendPage(response, 500, toUtf8Bytes('<!DOCTYPE html><html><head><title>Template error</title></head><body>' +
    '<h2>Template error in ' + htmlEscape(request.Path) + where + '</h2><pre>' + htmlEscape(message) +
    '</pre></body></html>'));
}

/** Sends a page already in UTF-8 bytes: Return() would encode it a second time. */
function sendPage(response: HttpResponse, code: number, bytes: string): void {
  if (!bytes) {
    response.Return(code, '');
    return;
  }
  response.ContentType = 'text/html';
  response.ContentCharset = 'UTF-8';
  response.ContentLength = bytes.length;
  response.ReturnStream(code, bytes);
}

/** The compiler part; throws MemoryShort (503 for the page, as any refusal for memory) when loading
 *  it would cut into MemoryReserveVars. */
function compiler(microWebSrv2: ServerContext): CompilePart {
  var part = loadPart<CompilePart>(PYHTML_COMPILE_PART.name, PYHTML_COMPILE_PART.variables, microWebSrv2.MemoryReserveVars || 0);
  if (part === null) throw new (MemoryShort as any)('load the page compiler');
  return part;
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

function readAll(source: ByteSource | null): string | null {
  if (source === null) return null;
  var data = '';
  var piece: string | undefined;
  while ((piece = source.read(1024))) data += piece;
  if (source.close) source.close();
  return data;
}

/** This part's exports, as its module loads them (loadPart). */
export type RenderPart = typeof import('./index');
