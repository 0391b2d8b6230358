// What a compiled `.pyhtml` page needs while it runs: the render wrapper, the page built-ins and the
// template errors. Kept apart from compiler.ts because the compiler is a part of its own
// (MicroWebSrv2.pyhtml-compile), loaded to compile a page and released when idle, while a cached
// page runs for as long as it is cached: on Espruino a function keeps its whole module scope alive,
// so the render code must not live in the compiler's.

import { htmlEscape } from '../../core/text/html';

export interface TemplateScope { [name: string]: any }

export interface CompiledTemplate {
  /** Runs the page. `scope` holds the page globals (SetGlobalVar values, Request, ...). Assignments a page
   *  makes to an undeclared name (`{{ py }} Toto = (Toto || 0) + 1 {{ end }}`) are written back into
   *  `scope`, so they persist across requests as in the original. Output goes to `write` in pieces, in
   *  order. Throws TemplateError. */
  render(scope: TemplateScope, write: (text: string) => void): void;
}

/** A page problem with the page line it comes from (1-based). Made by an ES5 constructor, since classes
 *  extending Error lose their message on Espruino. */
export interface TemplateError { name: 'TemplateError'; message: string; line: number; }

function TemplateErrorObject(this: TemplateError, message: string, line: number) {
  this.name = 'TemplateError';
  this.message = message;
  this.line = line;
}
TemplateErrorObject.prototype.toString = function (this: TemplateError) {
  return 'TemplateError: ' + this.message + ' (line ' + this.line + ')';
};

export function templateError(message: string, line: number): TemplateError {
  return new (TemplateErrorObject as any)(message, line);
}

/** True for errors thrown by compileTemplate and render, by shape rather than prototype, so it also works
 *  across two copies of this module. */
export function isTemplateError(e: any): boolean {
  return e != null && e.name === 'TemplateError' && typeof e.line === 'number';
}

function loopSequence(value: any): any {
  if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) return value;
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) return Object.keys(value);
  throw new Error(String(value) + ' is not iterable');
}

function writeEscaped(write: (text: string) => void, value: any): void {
  if (value == null) return;
  var text = htmlEscape(String(value));
  if (text) write(text);
}

export function runtimeError(e: any, line: number): TemplateError {
  if (isTemplateError(e)) return e;
  return templateError(String((e != null && e.message) || e), line);
}

/** Names a page may use without defining them; `print` is added per render. */
var PAGE_BUILTINS: TemplateScope = { escape: htmlEscape, True: true, False: false, None: null };
var globalObject: any = globalThis;

/** Made outside compileTemplate on purpose: an Espruino closure keeps its whole enclosing scope alive,
 *  and a cached page must hold its compiled function only, not the page source and generated code. */
export function templateOf(run: Function): CompiledTemplate {
  return {
    render: function (scope: TemplateScope, write: (text: string) => void): void {
      function print(): void {
        var parts: string[] = [];
        for (var i = 0; i < arguments.length; i++) parts.push(String(arguments[i]));
        var text = parts.join(' ');
        if (text) write(text);
      }
      function lookup(name: string): any {
        if (name in scope) return scope[name];
        if (name === 'print') return print;
        return PAGE_BUILTINS.hasOwnProperty(name) ? PAGE_BUILTINS[name] : globalObject[name];
      }
      var position = { l: 1 };
      try {
        run(scope, write, writeEscaped, loopSequence, lookup, position);
      } catch (e) {
        throw runtimeError(e, position.l);
      }
    }
  };
}
