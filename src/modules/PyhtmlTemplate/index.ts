// The PyhtmlTemplate module: MicroWebSrv2.LoadModule('PyhtmlTemplate'). Serves `.pyhtml` pages under
// RootPath: the original's instruction set with JavaScript inside (see compiler.ts). Its bundle is
// separate from the core (`MicroWebSrv2.PyhtmlTemplate`), so a board without pages does not carry it.
//
// A page compiles once and stays cached until its file changes (size or modification time). The
// whole page is rendered before anything is sent: on Espruino a syntax error only shows while the
// page runs, and a 500 must still be possible then. MaxPageLength bounds that buffer.

import { compileTemplate, CompiledTemplate, isTemplateError, TemplateScope } from './compiler';
import { utf8Decode } from '../../text/utf8';
import { htmlEscape } from '../../text/html';

interface CachedPage {
  path: string;
  size: number;
  mtime: number;
  template: CompiledTemplate;
}

var EXTENSION = '.pyhtml';
/** Compiled pages kept at once: each costs variables on a board, a recompile only costs time. */
var CACHE_SIZE = 4;

/** Raised when a page grows past MaxPageLength while rendering. */
function PageTooLarge(this: any, limit: number) {
  this.message = 'Page output over MaxPageLength (' + limit + ' bytes)';
}

export class PyhtmlTemplate {
  /** Show the error and its template line on the 500 page (HTML-escaped, without physical paths). */
  ShowDebug = false;
  /** Largest rendered page, in characters; a bigger one is a 500. */
  MaxPageLength = 32 * 1024;
  private globals: TemplateScope = {};
  private cache: CachedPage[] = [];

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
    var path: string = request.Path;
    if (path.length <= EXTENSION.length || path.substring(path.length - EXTENSION.length).toLowerCase() !== EXTENSION) return;
    var response = request.Response;
    if (request.Method !== 'GET' && request.Method !== 'HEAD') {
      response.SetHeader('Allow', 'GET, HEAD');
      response.Return(405);
      return;
    }
    var physicalPath: string | null = microWebSrv2.ResolvePhysicalPath(path);
    if (physicalPath === null) {
      response.ReturnNotFound();
      return;
    }
    var output = '';
    var limit = this.MaxPageLength;
    try {
      var template = this.load(microWebSrv2, physicalPath);
      if (template === null) {
        response.ReturnNotFound();
        return;
      }
      this.globals.Request = request;
      template.render(this.globals, function (text: string) {
        output += text;
        if (output.length > limit) throw new (PageTooLarge as any)(limit);
      });
    } catch (e) {
      this.fail(microWebSrv2, request, e);
      return;
    } finally {
      // The request must not stay reachable from the globals once answered.
      this.globals.Request = null;
    }
    response.Return(200, output);
  }

  /** The compiled page, from the cache while the file is unchanged; null when it cannot be read. */
  private load(microWebSrv2: any, physicalPath: string): CompiledTemplate | null {
    var files = microWebSrv2.files;
    var info = files.stat(physicalPath);
    if (info === null || info.dir) return null;
    for (var i = 0; i < this.cache.length; i++) {
      var cached = this.cache[i];
      if (cached.path === physicalPath) {
        if (cached.size === info.size && cached.mtime === info.mtime) return cached.template;
        this.cache.splice(i, 1);
        break;
      }
    }
    var source = readAll(files.open(physicalPath));
    if (source === null) return null;
    // Page files are UTF-8 bytes; the compiler works on text (identical bytes on most boards).
    var text = utf8Decode(source);
    var template = compileTemplate(text === null ? source : text);
    this.cache.push({ path: physicalPath, size: info.size, mtime: info.mtime, template: template });
    if (this.cache.length > CACHE_SIZE) this.cache.shift();
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
    response.Return(500, '<!DOCTYPE html><html><head><title>Template error</title></head><body>' +
      '<h2>Template error in ' + htmlEscape(request.Path) + where + '</h2><pre>' + htmlEscape(message) +
      '</pre></body></html>');
  }
}

function readAll(source: any): string | null {
  if (source === null) return null;
  var data = '';
  var piece: string | undefined;
  while ((piece = source.read(1024))) data += piece;
  if (source.close) source.close();
  return data;
}
