'use strict';
// Espruino's require() and Modules (src/jswrap_modules.c, jspEvaluateModule in src/jsparse.c):
// - lookup order: the module cache, then built-in modules, then a Storage file named exactly like
//   the module (evaluated as module code). Built-ins and Storage modules are cached when first
//   required, so Modules.getCached() lists them too. (The Linux build would also try
//   node_modules/<name>.js on the file system; the shim does not, so Node's own packages never leak in.)
// - module code runs with `exports` and `module` in scope and `this === exports`; top-level `var`s
//   stay private; the result is `module.exports`.
// - Modules.addCached(name, source) evaluates the source AT ONCE (a function's body is used as the
//   source) and caches the result. If module code throws, what it exported so far stays cached and
//   the error propagates, as on the board.
// - "use strict" directives are neutralised, because Espruino ignores them.
const vm = require('node:vm');

const MAX_MODULE_NAME = 127;
// Same length as the directive it replaces, so line and column numbers stay right.
const STRICT_DIRECTIVE = /^(\s*)(['"])use strict\2/gm;

/** Espruino ignores 'use strict': turn each directive into a harmless string statement. */
function withoutStrictMode(source) {
  return source.replace(STRICT_DIRECTIVE, '$1$2use sloppy$2');
}

/** The body of a function's source text (what Espruino evaluates for addCached(name, fn)). */
function functionBody(fn) {
  const text = Function.prototype.toString.call(fn);
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open < 0 || close <= open) return '';
  return text.slice(open + 1, close);
}

/**
 * @param {object} options
 * @param {import('./realm').Realm} options.realm
 * @param {Record<string, () => any>} options.builtIns factories of the built-in modules
 * @param {(name: string) => string|undefined} options.readStorage reads a Storage file
 */
function createModules(options) {
  const { realm, builtIns, readStorage } = options;
  const { Error: ContextError, TypeError: ContextTypeError } = realm.intrinsics;
  /** Insertion-ordered cache, as Espruino's module list. */
  const cache = new Map();

  function evaluate(source, filename) {
    const run = vm.compileFunction(withoutStrictMode(source), ['exports', 'module'], {
      parsingContext: realm.context,
      filename,
    });
    const module = realm.makeObject();
    module.exports = realm.makeObject();
    return { run, module };
  }

  /** Evaluates module code, caches its exports under `name` even if it throws, and returns them. */
  function evaluateAndCache(name, source) {
    const { run, module } = evaluate(source, name);
    try {
      run.call(module.exports, module.exports, module);
    } finally {
      cache.set(name, module.exports);
    }
    return module.exports;
  }

  function checkName(name, ErrorClass) {
    if (typeof name !== 'string') {
      throw new ErrorClass('Expecting module name as a string, got ' + (name === null ? 'null' : typeof name));
    }
    if (name.length > MAX_MODULE_NAME) throw new ErrorClass('Module name too long (max 128 chars)');
  }

  function require(name) {
    checkName(name, ContextTypeError);
    if (cache.has(name)) return cache.get(name);
    if (Object.prototype.hasOwnProperty.call(builtIns, name)) {
      const exported = builtIns[name]();
      cache.set(name, exported);
      return exported;
    }
    const stored = readStorage(name);
    if (stored !== undefined) return evaluateAndCache(name, stored);
    throw new ContextError('Module ' + JSON.stringify(name) + ' not found');
  }

  const Modules = realm.makeObject();
  const methods = {
    addCached(name, source) {
      if (typeof name !== 'string' || (typeof source !== 'string' && typeof source !== 'function')) {
        throw new ContextError('args must be addCached(string, string|function)');
      }
      evaluateAndCache(name, typeof source === 'function' ? functionBody(source) : source);
    },
    removeCached(name) {
      if (typeof name !== 'string') throw new ContextError('First argument must be String');
      if (!cache.has(name)) throw new ContextError('Module ' + JSON.stringify(name) + ' not found');
      cache.delete(name);
    },
    removeAllCached() {
      cache.clear();
    },
    getCached() {
      return realm.adopt(Array.from(cache.keys()));
    },
  };
  for (const key of Object.keys(methods)) {
    Object.defineProperty(Modules, key, { value: methods[key], writable: true, configurable: true });
  }

  return {
    require,
    Modules,
    addCached: methods.addCached,
    /** Number of cached modules (for the memory estimate). */
    count: () => cache.size,
    withoutStrictMode,
  };
}

module.exports = { createModules, withoutStrictMode, functionBody };
