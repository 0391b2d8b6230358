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

import { TemplateScope } from '../runtime';
import type { RenderPart } from '../render';
import type { HttpRequest } from '../../../parts/http/HttpRequest';
import type { MicroWebSrv2 } from '../../../core/MicroWebSrv2';
import { loadPart } from '../../../core/platform/partLoader';
import { FILES_PART, PYHTML_RENDER_PART } from '../../../manifest';
import { filesPart } from '../../../core/parts';
import { LogLevel } from '../../../core/ServerContext';

var EXTENSION = '.pyhtml';

export class PyhtmlTemplate {
  /** Show the error and its template line on the 500 page (HTML-escaped, without physical paths). */
  ShowDebug = false;
  /** Largest rendered page, in bytes of UTF-8; a bigger one is a 500. The page is held in RAM until
   *  sent: on a board with 8,190 variables a 30 KB page already runs out of memory. */
  MaxPageLength = 8 * 1024;
  /** The pages' globals (SetGlobalVar), and the request while a page renders. @internal */
  globals: TemplateScope = {};
  /** Names of the pages compiled, oldest first (some may have been released since). @internal */
  pageKeys: string[] = [];

  SetGlobalVar(globalVarName: string, globalVar: any): void {
    if (typeof globalVarName !== 'string' || !globalVarName) throw new Error('SetGlobalVar: name must be a non-empty string');
    this.globals[globalVarName] = globalVar === undefined ? null : globalVar;
  }

  GetGlobalVar(globalVarName: string): any {
    if (typeof globalVarName !== 'string' || !globalVarName) throw new Error('GetGlobalVar: name must be a non-empty string');
    var value = this.globals[globalVarName];
    return value === undefined ? null : value;
  }

  OnRequest(microWebSrv2: MicroWebSrv2, request: HttpRequest): void {
    // Other methods go on to the routes and the core, which answer OPTIONS, or 405 with Allow.
    if (request.Method !== 'GET' && request.Method !== 'HEAD') return;
    if (!isPagePath(request.Path)) return;
    // ResolvePhysicalPath throws when the files part cannot be loaded (the API has no status to
    // give): loaded first here, a page request short of memory gets 503 like the other refusals.
    if (filesPart(microWebSrv2) === null) {
      refuseForMemory(microWebSrv2, request, FILES_PART.name);
      return;
    }
    var physicalPath: string | null = microWebSrv2.ResolvePhysicalPath(request.Path);
    // No such page (or a directory of that name, served by its default page): the routes, then the
    // static files answer, with not found as for any file.
    if (physicalPath === null || !isPagePath(physicalPath)) return;
    var part = loadPart<RenderPart>(PYHTML_RENDER_PART.name, PYHTML_RENDER_PART.variables, microWebSrv2.MemoryReserveVars || 0);
    if (part === null) {
      refuseForMemory(microWebSrv2, request, PYHTML_RENDER_PART.name);
      return;
    }
    part.servePage(this, microWebSrv2, request, physicalPath);
  }
}

function refuseForMemory(microWebSrv2: MicroWebSrv2, request: HttpRequest, part: string): void {
  microWebSrv2.Log('Template ' + request.Path + ': not enough free memory to load ' + part, LogLevel.WARNING);
  request.Response.SetHeader('Retry-After', 1);
  request.Response.ReturnServiceUnavailable();
}

function isPagePath(path: string): boolean {
  return path.length > EXTENSION.length && path.substring(path.length - EXTENSION.length).toLowerCase() === EXTENSION;
}
