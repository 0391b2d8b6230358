'use strict';
// Static checks for JavaScript that is about to run on Espruino 2v29.
// Every rule comes from a measured difference in the Espruino 2v29 language table
// (espruino-2v29-language-table.md; its row numbers are quoted in the messages): constructs that
// throw, or worse, silently give wrong answers on the board while passing every test on Node.
// Nothing is reported that the table shows working (e.g. Math.sign, padStart, getters).

const acorn = require('acorn');
const walk = require('acorn-walk');

const RULES = {
  'es5-syntax': 'the file must parse as ECMAScript 5',
  regexp: 'RegExp features Espruino mis-handles',
  'regexp-dynamic': 'RegExp built from a non-literal pattern (cannot be checked)',
  'prototype-access': 'methods reached through Array/String/Function/Object.prototype',
  labels: 'labelled statements',
  'missing-builtin': 'globals, statics and methods Espruino lacks',
  'uri-functions': 'encodeURIComponent / decodeURIComponent',
  'split-limit': 'str.split(separator, limit)',
  'error-subclass': 'subclasses of Error',
  with: 'with statements',
  'for-in-delete': 'deleting the property a for-in loop stands on',
  'ts-helper': 'TypeScript helpers that need Symbol, generators or Array.prototype',
  'no-hoisting': 'uses of functions and vars before their declaration runs (Espruino does not hoist)',
  allowlist: 'espruino-ok comments without a reason',
};

const WARNING_RULES = { 'regexp-dynamic': true };

const MISSING_GLOBALS = {
  Map: 'Map is not defined (table #48); use a plain object with hasOwnProperty',
  Set: 'Set is not defined (table #49); use a plain object with hasOwnProperty',
  WeakMap: 'WeakMap is undefined (table #50)',
  WeakSet: 'WeakSet is undefined (table #50)',
  WeakRef: 'WeakRef does not exist on Espruino',
  Symbol: 'Symbol is undefined (table #51)',
  Proxy: 'Proxy is undefined (table #52)',
  Reflect: 'Reflect is undefined (table #52)',
  BigInt: 'BigInt is undefined (table #53)',
  Intl: 'Intl does not exist on Espruino',
  TextEncoder: 'TextEncoder does not exist on Espruino; strings are already binary (one char per byte)',
  TextDecoder: 'TextDecoder does not exist on Espruino; decode UTF-8 by hand',
  queueMicrotask: 'queueMicrotask does not exist on Espruino; use setTimeout(fn, 0)',
  setImmediate: 'setImmediate does not exist on Espruino; use setTimeout(fn, 0)',
  structuredClone: 'structuredClone does not exist on Espruino',
  Buffer: 'Buffer does not exist on Espruino; use binary strings or Uint8Array',
  encodeURI: 'encodeURI is undefined (table #94)',
  decodeURI: 'decodeURI is undefined (table #94)',
  escape: 'escape is undefined (table #94)',
  unescape: 'unescape is undefined (table #94)',
};

const URI_FUNCTIONS = {
  encodeURIComponent: 'encodeURIComponent gives wrong bytes for non-ASCII on Espruino (table #88); percent-encode by hand',
  decodeURIComponent: 'decodeURIComponent throws on multi-byte UTF-8 on Espruino (table #90); percent-decode by hand',
};

const TYPED_ARRAY_FROM = 'TypedArray.from/of are not found (table #126)';
const MISSING_STATICS = {
  Object: {
    freeze: 'Object.freeze is not found (table #10)',
    seal: 'Object.seal is not found (table #10)',
    isFrozen: 'Object.isFrozen is not found (table #10)',
    isSealed: 'Object.isSealed is not found (table #10)',
  },
  Array: {
    from: 'Array.from is not found (table #114); copy with a for loop',
    of: 'Array.of is not found (table #115)',
  },
  Number: {
    isInteger: 'Number.isInteger is undefined (table #143); use (x % 1 === 0)',
    isFinite: 'Number.isFinite is undefined (table #143); use typeof x === "number" && isFinite(x)',
    isNaN: 'Number.isNaN is undefined (table #143); use x !== x',
    isSafeInteger: 'Number.isSafeInteger does not exist on Espruino',
    EPSILON: 'Number.EPSILON is undefined (table #143)',
    MAX_SAFE_INTEGER: 'Number.MAX_SAFE_INTEGER is undefined (table #143, x28); use 9007199254740991',
    MIN_SAFE_INTEGER: 'Number.MIN_SAFE_INTEGER is undefined (like MAX_SAFE_INTEGER, table x28)',
  },
  Date: { UTC: 'Date.UTC is not found (table #133)' },
  // Math.sign is deliberately absent: table #146 shows it works.
  Math: {
    trunc: 'Math.trunc is undefined (table #146, x38); use Math.floor/Math.ceil',
    log2: 'Math.log2 is undefined (table #146)',
    hypot: 'Math.hypot is undefined (table #146)',
    cbrt: 'Math.cbrt does not exist on Espruino',
  },
  ArrayBuffer: { isView: 'ArrayBuffer.isView is undefined (table #130)' },
  process: { nextTick: 'process.nextTick does not exist on Espruino; use setTimeout(fn, 0)' },
};
['Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
  'Float32Array', 'Float64Array'].forEach((name) => {
  MISSING_STATICS[name] = { from: TYPED_ARRAY_FROM, of: TYPED_ARRAY_FROM };
});

// Checked by name whatever the receiver: a heuristic, since the receiver's type is unknown statically.
const MISSING_METHODS = {
  trimStart: 'String#trimStart is undefined (table #78); use trim or a charCodeAt loop',
  trimEnd: 'String#trimEnd is undefined (table #78); use trim or a charCodeAt loop',
  codePointAt: 'String#codePointAt is undefined (table #87)',
  normalize: 'String#normalize is undefined (table #87)',
  localeCompare: 'String#localeCompare is undefined (table #87); compare with < and >',
  at: '.at() is undefined (table #87); index with [i] or [length - 1]',
  flat: 'Array#flat is undefined (table #119)',
  flatMap: 'Array#flatMap is undefined (table #119)',
  findLast: 'Array#findLast is undefined (table #119)',
  propertyIsEnumerable: 'propertyIsEnumerable is undefined (table #154)',
  isPrototypeOf: 'isPrototypeOf is undefined (table #154); use instanceof',
  __defineGetter__: '__defineGetter__ is undefined (table #158); use Object.defineProperty',
};
// Array#keys/values/entries are undefined (table #120). Only argument-less calls are reported so that
// Object.keys(x) and friends, which work (table #9), never match.
const ITERATOR_METHODS = { keys: true, values: true, entries: true };

const PROTOTYPE_OWNERS = { Array: true, String: true, Function: true, Object: true };
// Object.prototype.hasOwnProperty.call works (table x15); everything else reached through a built-in
// prototype is undefined or wrong (table #16, x14, x16, x17, x18).
const PROTOTYPE_READ_OK = { Object: { hasOwnProperty: true } };

const ERROR_CLASSES = { Error: true, TypeError: true, RangeError: true, SyntaxError: true, ReferenceError: true,
  EvalError: true, URIError: true };

const TS_HELPERS = {
  __spreadArray: 'uses Array.prototype.slice.call (undefined on Espruino, table #16)',
  __spread: 'uses __read, which needs Symbol.iterator',
  __rest: 'uses Object.getOwnPropertySymbols and Symbol',
  __values: 'needs Symbol.iterator (Symbol is undefined, table #51)',
  __read: 'needs Symbol.iterator (Symbol is undefined, table #51)',
  __generator: 'drives generator state machines; generators do not exist on Espruino (table #47)',
  __awaiter: 'implements async/await over __generator (table #45, #47)',
  __asyncValues: 'needs Symbol.asyncIterator',
  __asyncGenerator: 'needs Symbol.asyncIterator and generators',
  __asyncDelegator: 'needs Symbol.iterator and generators',
  __await: 'is part of the async generator helpers',
};
// Minifiers rename helpers; these strings survive inside their bodies.
const TS_HELPER_SIGNATURES = {
  'Generator is already executing.': '__generator',
  'Symbol.iterator is not defined.': '__values',
  'Symbol.asyncIterator is not defined.': '__asyncValues',
};

const ALLOWLIST_MARK = 'espruino-ok';

function has(table, key) {
  return Object.prototype.hasOwnProperty.call(table, key);
}

// ---------------------------------------------------------------------------------------------
// RegExp subset

/**
 * Returns what Espruino's RegExp engine would mis-handle in `pattern` with `flags`, as
 * [{message, offset}] where offset indexes into the pattern (a flag is reported just past the closing slash).
 * Supported: single chars, escapes, classes, `.`, `*` and `+` after a char or class, `|`, `^`, `$`,
 * and unquantified capture groups.
 */
function checkRegExp(pattern, flags) {
  const found = [];
  const report = (offset, message) => found.push({ offset, message });
  // What the previous token was, to know what a quantifier applies to.
  let previous = 'nothing';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next >= '1' && next <= '9') {
        report(i, `backreference \\${next} throws "Backreferences not supported" (table #69)`);
      }
      previous = next === 'b' || next === 'B' ? 'assertion' : 'atom';
      i += 2;
      continue;
    }
    if (ch === '[') {
      i = skipCharClass(pattern, i);
      previous = 'atom';
      continue;
    }
    if (ch === '(') {
      previous = 'nothing';
      if (pattern[i + 1] === '?') {
        report(i, `group "(?${pattern[i + 2] || ''}" (non-capturing, lookaround or named) silently fails (table #59, #61-64)`);
        // The "?" belongs to the group syntax, not a quantifier; what follows it is read as plain chars.
        i += 2;
        continue;
      }
      i += 1;
      continue;
    }
    if (ch === ')') {
      previous = 'group';
      i += 1;
      continue;
    }
    if (ch === '*' || ch === '+') {
      if (previous === 'group') {
        report(i, `quantified group "(...)${ch}" silently matches wrongly (table x6); only a single char or class may be repeated`);
      }
      i = skipLazyMark(pattern, i + 1, report);
      previous = 'quantified';
      continue;
    }
    if (ch === '?') {
      report(i, 'the "?" quantifier silently fails (table x9); write both alternatives with "|" or test with indexOf');
      i = skipLazyMark(pattern, i + 1, report);
      previous = 'quantified';
      continue;
    }
    if (ch === '{') {
      const end = countedQuantifierEnd(pattern, i);
      if (end > 0) {
        report(i, `counted quantifier "${pattern.slice(i, end)}" silently fails (table #67, x1); repeat the class or check lengths in code`);
        i = skipLazyMark(pattern, end, report);
        previous = 'quantified';
        continue;
      }
    }
    if (ch === '|') previous = 'nothing';
    else if (ch === '^' || ch === '$') previous = 'assertion';
    else previous = 'atom';
    i += 1;
  }
  for (let f = 0; f < (flags || '').length; f++) {
    const flag = flags[f];
    if (flag === 'g' || flag === 'i') continue;
    const why = flag === 'm'
      ? 'the "m" flag is ignored: ^ and $ never match at line breaks (table #56, x4)'
      : `the "${flag}" flag is not supported (table #65)`;
    report(pattern.length + 1, why);
  }
  return found;
}

/** Index just past the class starting at `start` ("[...]"); escapes and every char inside are literal. */
function skipCharClass(pattern, start) {
  let i = start + 1;
  if (pattern[i] === '^') i += 1;
  while (i < pattern.length && pattern[i] !== ']') {
    i += pattern[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

/** After a quantifier: a "?" makes it lazy, which Espruino does not support. */
function skipLazyMark(pattern, i, report) {
  if (pattern[i] !== '?') return i;
  report(i, 'lazy quantifier silently fails (table #70, x5); scan with indexOf instead');
  return i + 1;
}

/** End index of "{n}", "{n,}" or "{n,m}" starting at `start`, or -1 when the "{" is a literal. */
function countedQuantifierEnd(pattern, start) {
  let i = start + 1;
  const digitsFrom = i;
  while (isDigit(pattern[i])) i++;
  if (i === digitsFrom) return -1;
  if (pattern[i] === ',') {
    i++;
    while (isDigit(pattern[i])) i++;
  }
  return pattern[i] === '}' ? i + 1 : -1;
}

function isDigit(ch) {
  return ch >= '0' && ch <= '9';
}

// ---------------------------------------------------------------------------------------------
// Parsing and scopes

function parse(code, ecmaVersion, sourceType, comments) {
  return acorn.parse(code, {
    ecmaVersion,
    sourceType,
    locations: true,
    allowHashBang: true,
    onComment: comments,
  });
}

function isFunctionNode(node) {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression';
}

function isScopeNode(node) {
  return node.type === 'Program' || isFunctionNode(node);
}

function patternNames(pattern, into) {
  if (!pattern) return into;
  switch (pattern.type) {
    case 'Identifier': into.push(pattern.name); break;
    case 'AssignmentPattern': patternNames(pattern.left, into); break;
    case 'RestElement': patternNames(pattern.argument, into); break;
    case 'ArrayPattern': pattern.elements.forEach((element) => patternNames(element, into)); break;
    case 'ObjectPattern':
      pattern.properties.forEach((property) =>
        patternNames(property.type === 'RestElement' ? property : property.value, into));
      break;
    default: break;
  }
  return into;
}

/**
 * Names declared by each function (params, var, function declarations, its own name) and catch
 * clause. let/const/class only appear when the ES5 parse failed; they are approximated as
 * function-scoped, which is enough to tell a local `Map` from the global one.
 */
function collectDeclarations(ast) {
  const declared = new Map();
  const namesOf = (node) => {
    if (!declared.has(node)) declared.set(node, new Set());
    return declared.get(node);
  };
  const enclosingScope = (ancestors, skipSelf) => {
    for (let i = ancestors.length - (skipSelf ? 2 : 1); i >= 0; i--) {
      if (isScopeNode(ancestors[i])) return ancestors[i];
    }
    return ancestors[0];
  };
  const declareIn = (scope, names) => names.forEach((name) => namesOf(scope).add(name));
  walk.ancestor(ast, {
    VariableDeclaration(node, _state, ancestors) {
      const scope = enclosingScope(ancestors, true);
      node.declarations.forEach((declarator) => declareIn(scope, patternNames(declarator.id, [])));
    },
    FunctionDeclaration(node, _state, ancestors) {
      if (node.id) declareIn(enclosingScope(ancestors, true), [node.id.name]);
    },
    ClassDeclaration(node, _state, ancestors) {
      if (node.id) declareIn(enclosingScope(ancestors, true), [node.id.name]);
    },
    Function(node) {
      const names = [];
      node.params.forEach((param) => patternNames(param, names));
      if (node.type === 'FunctionExpression' && node.id) names.push(node.id.name);
      declareIn(node, names);
    },
    CatchClause(node) {
      declareIn(node, patternNames(node.param, []));
    },
    ImportDeclaration(node) {
      declareIn(ast, node.specifiers.map((specifier) => specifier.local.name));
    },
  });
  return declared;
}

function makeScopeResolver(declared) {
  // A global name is "free" at a reference when no enclosing scope declares it.
  return function isFree(name, ancestors) {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const names = declared.get(ancestors[i]);
      if (names && names.has(name)) return false;
    }
    return true;
  };
}

// ---------------------------------------------------------------------------------------------
// Rules

function propertyName(member) {
  if (!member.computed) return member.property.name;
  if (member.property.type === 'Literal') return String(member.property.value);
  return null;
}

function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return propertyName(callee);
  return null;
}

function isUnderTypeof(node, parent) {
  return parent && parent.type === 'UnaryExpression' && parent.operator === 'typeof' && parent.argument === node;
}

function isErrorClassRef(node, isFree, ancestors) {
  return node && node.type === 'Identifier' && has(ERROR_CLASSES, node.name) && isFree(node.name, ancestors);
}

function containsNode(root, predicate) {
  let hit = false;
  walk.full(root, (node) => {
    if (!hit && predicate(node)) hit = true;
  });
  return hit;
}

/** `(function (_super) { __extends(X, _super); ... })(Error)`, also with the helper renamed by a minifier. */
function isErrorSubclassIife(call, isFree, ancestors) {
  if (call.callee.type !== 'FunctionExpression') return false;
  const fn = call.callee;
  for (let i = 0; i < call.arguments.length; i++) {
    if (!isErrorClassRef(call.arguments[i], isFree, ancestors)) continue;
    const param = fn.params[i];
    if (!param || param.type !== 'Identifier') continue;
    const extendsBase = containsNode(fn.body, (node) => node.type === 'CallExpression' && (
      calleeName(node.callee) === '__extends' ||
      node.arguments.some((arg) => arg.type === 'Identifier' && arg.name === param.name)));
    if (extendsBase) return true;
  }
  return false;
}

function checkAst(ast, report) {
  const declared = collectDeclarations(ast);
  const isFree = makeScopeResolver(declared);
  const reportedHelpers = new Set();
  const signatureHits = [];

  const reportRegExp = (node, pattern, flags, exact) => {
    checkRegExp(pattern, flags).forEach((hit) => {
      // Offsets map onto the source only for literals, whose text is the pattern itself.
      const column = exact ? node.loc.start.column + 1 + hit.offset : node.loc.start.column;
      report('regexp', `/${pattern}/${flags}: ${hit.message}`, node.loc.start.line, column);
    });
  };

  const checkRegExpConstructor = (node, ancestors) => {
    if (node.callee.type !== 'Identifier' || node.callee.name !== 'RegExp' || !isFree('RegExp', ancestors)) return;
    const [patternArg, flagsArg] = node.arguments;
    if (!patternArg) return;
    if (patternArg.type === 'Literal' && patternArg.regex) return; // the literal itself is checked
    const literalPattern = patternArg.type === 'Literal' && typeof patternArg.value === 'string';
    const literalFlags = !flagsArg || (flagsArg.type === 'Literal' && typeof flagsArg.value === 'string');
    if (literalPattern && literalFlags) {
      reportRegExp(patternArg, patternArg.value, flagsArg ? flagsArg.value : '', false);
    } else {
      report('regexp-dynamic',
        'warning: RegExp built from a non-literal pattern or flags cannot be checked against Espruino\'s RegExp subset; ' +
        'use a literal, or add /* espruino-ok: reason */ once the pattern is known to be safe',
        node.loc.start.line, node.loc.start.column);
    }
  };

  const reportHelper = (name, node) => {
    reportedHelpers.add(name);
    report('ts-helper', `TypeScript helper ${name} ${TS_HELPERS[name]}; rewrite the source so tsc does not emit it ` +
      '(no spread/rest, for-of on non-arrays, destructuring of iterables, generators or async)',
    node.loc.start.line, node.loc.start.column);
  };

  walk.ancestor(ast, {
    Identifier(node, _state, ancestors) {
      const parent = ancestors[ancestors.length - 2];
      const name = node.name;
      const interesting = has(MISSING_GLOBALS, name) || has(URI_FUNCTIONS, name) || has(TS_HELPERS, name);
      if (!interesting || !isFree(name, ancestors)) return;
      if (isUnderTypeof(node, parent)) return; // feature detection is safe: typeof gives "undefined"
      if (has(MISSING_GLOBALS, name)) {
        report('missing-builtin', MISSING_GLOBALS[name], node.loc.start.line, node.loc.start.column);
      } else if (has(URI_FUNCTIONS, name)) {
        report('uri-functions', URI_FUNCTIONS[name], node.loc.start.line, node.loc.start.column);
      } else if (has(TS_HELPERS, name)) {
        reportHelper(name, node);
      }
    },

    MemberExpression(node, _state, ancestors) {
      const parent = ancestors[ancestors.length - 2];
      checkPrototypeAccess(node, parent, ancestors);
      const object = node.object;
      const name = propertyName(node);
      if (object.type === 'Identifier' && name !== null && has(MISSING_STATICS, object.name)) {
        const statics = MISSING_STATICS[object.name];
        if (has(statics, name) && isFree(object.name, ancestors) && !isUnderTypeof(node, parent)) {
          report('missing-builtin', statics[name], node.loc.start.line, node.loc.start.column);
        }
      }
      if (object.type !== 'ThisExpression' && name !== null && has(TS_HELPERS, name) &&
          !isUnderTypeof(node, parent)) {
        reportHelper(name, node);
      }
    },

    CallExpression(node, _state, ancestors) {
      checkRegExpConstructor(node, ancestors);
      checkCall(node, ancestors);
    },

    NewExpression(node, _state, ancestors) {
      checkRegExpConstructor(node, ancestors);
    },

    Literal(node) {
      if (node.regex) {
        reportRegExp(node, node.regex.pattern, node.regex.flags, true);
      } else if (typeof node.value === 'string' && has(TS_HELPER_SIGNATURES, node.value)) {
        signatureHits.push({ name: TS_HELPER_SIGNATURES[node.value], node });
      }
    },

    VariableDeclarator(node) {
      if (node.id.type === 'Identifier' && has(TS_HELPERS, node.id.name)) {
        reportHelper(node.id.name, node.id);
      }
    },

    FunctionDeclaration(node) {
      if (node.id && has(TS_HELPERS, node.id.name)) reportHelper(node.id.name, node.id);
    },

    LabeledStatement(node) {
      report('labels', `label "${node.label.name}": labelled break/continue throw ReferenceError (table #137, #138); ` +
        'use a flag variable or a function with return', node.loc.start.line, node.loc.start.column);
    },

    ForInStatement(node) {
      // Measured on 2v29: for (k in o) delete o[k] deletes the first property only; the loop loses
      // its place when the property it stands on goes, and ends.
      const left = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : node.left;
      if (left.type !== 'Identifier') return;
      walk.simple(node.body, {
        UnaryExpression(inner) {
          const target = inner.argument;
          if (inner.operator !== 'delete' || target.type !== 'MemberExpression' || !target.computed) return;
          if (target.property.type !== 'Identifier' || target.property.name !== left.name || !sameReference(target.object, node.right)) return;
          report('for-in-delete', `delete inside for (${left.name} in ...) of the object it iterates: Espruino ends the loop ` +
            'after the first delete; take Object.keys() first and delete in a loop over them', inner.loc.start.line, inner.loc.start.column);
        },
      });
    },

    WithStatement(node) {
      report('with', 'with statements are not reliable on Espruino; name the object explicitly',
        node.loc.start.line, node.loc.start.column);
    },

    Class(node, _state, ancestors) {
      if (isErrorClassRef(node.superClass, isFree, ancestors)) {
        report('error-subclass', errorSubclassMessage(node.superClass.name), node.loc.start.line, node.loc.start.column);
      }
    },
  });

  signatureHits.forEach((hit) => {
    if (!reportedHelpers.has(hit.name)) reportHelper(hit.name, hit.node);
  });

  checkHoisting(ast, declared, report);

  function checkPrototypeAccess(node, parent, ancestors) {
    const protoOf = builtinPrototypeOwner(node.object, ancestors);
    if (protoOf) {
      const name = propertyName(node);
      const shown = `${protoOf}.prototype${name === null ? '[...]' : '.' + name}`;
      const assigned = parent && parent.type === 'AssignmentExpression' && parent.left === node;
      if (assigned) {
        report('prototype-access', `${shown} = ...: polyfills on built-in prototypes are not reliable on Espruino ` +
          '(methods read through them are undefined, table #16, x14); use a plain helper function',
        node.loc.start.line, node.loc.start.column);
      } else if (!(name !== null && has(PROTOTYPE_READ_OK, protoOf) && has(PROTOTYPE_READ_OK[protoOf], name))) {
        const message = protoOf === 'Object'
          ? `${shown}: only Object.prototype.hasOwnProperty works on Espruino (table x15); toString.call([]) gives "" ` +
            '(table x16) and propertyIsEnumerable/isPrototypeOf are undefined (table #154); use typeof/Array.isArray'
          : `${shown} is undefined on Espruino (table #16, x14, x17, x18); use an instance instead ` +
            `(e.g. ${protoOf === 'String' ? '"".' : '[].'}${name || 'slice'}.call)`;
        report('prototype-access', message, node.loc.start.line, node.loc.start.column);
      }
    }
    const aliased = builtinPrototypeOwner(node, ancestors);
    if (aliased && aliased !== 'Object' && parent && (
      (parent.type === 'VariableDeclarator' && parent.init === node) ||
      (parent.type === 'AssignmentExpression' && parent.right === node))) {
      report('prototype-access', `aliasing ${aliased}.prototype: its methods are undefined on Espruino (table x14)`,
        node.loc.start.line, node.loc.start.column);
    }
  }

  function builtinPrototypeOwner(node, ancestors) {
    if (node.type !== 'MemberExpression' || propertyName(node) !== 'prototype') return null;
    const owner = node.object;
    if (owner.type !== 'Identifier' || !has(PROTOTYPE_OWNERS, owner.name) || !isFree(owner.name, ancestors)) return null;
    return owner.name;
  }

  function checkCall(node, ancestors) {
    const callee = node.callee;
    const args = node.arguments;
    const at = [node.loc.start.line, node.loc.start.column];
    if (callee.type === 'MemberExpression') {
      const name = propertyName(callee);
      const receiver = callee.object;
      if (name === 'split' && args.length >= 2) {
        report('split-limit', '.split(separator, limit): Espruino ignores the limit (table #75); slice the result or use indexOf', ...at);
      }
      if (name !== null && !callee.computed && has(MISSING_METHODS, name)) {
        report('missing-builtin', `.${name}(): ${MISSING_METHODS[name]}`, ...at);
      }
      if (name !== null && !callee.computed && has(ITERATOR_METHODS, name) && args.length === 0 &&
          !(receiver.type === 'Identifier' && receiver.name === 'Object')) {
        report('missing-builtin', `.${name}(): Array#keys/values/entries are undefined on Espruino (table #120); loop over indexes`, ...at);
      }
      const receiverName = receiver.type === 'Identifier' && isFree(receiver.name, ancestors) ? receiver.name : null;
      if (receiverName === 'Object' && name === 'create' && args.length >= 2) {
        report('missing-builtin', 'Object.create(proto, properties) throws "propertiesObject is not supported yet" (table #5); ' +
          'create with one argument, then Object.defineProperty', ...at);
      }
      if (receiverName === 'Object' && name === 'setPrototypeOf' && args[1] && builtinErrorPrototype(args[1], ancestors)) {
        report('error-subclass', errorSubclassMessage(args[1].object.name), ...at);
      }
    }
    if (calleeName(callee) === '__extends' && args.some((arg) => isErrorClassRef(arg, isFree, ancestors))) {
      report('error-subclass', errorSubclassMessage(args.find((arg) => isErrorClassRef(arg, isFree, ancestors)).name), ...at);
    } else if (isErrorSubclassIife(node, isFree, ancestors)) {
      const base = args.find((arg) => isErrorClassRef(arg, isFree, ancestors)).name;
      report('error-subclass', errorSubclassMessage(base), ...at);
    }
  }

  function builtinErrorPrototype(node, ancestors) {
    return node.type === 'MemberExpression' && propertyName(node) === 'prototype' && isErrorClassRef(node.object, isFree, ancestors);
  }
}

// ---------------------------------------------------------------------------------------------
// Hoisting: Espruino creates a function declaration or a var only when execution reaches it
// (espruino/Espruino#274, #159; verified on the 2v29 Linux build). Using one earlier throws
// ReferenceError, and assigning one earlier creates a global instead.

// Callbacks these methods receive run before the call returns, so their bodies run "now".
const SYNCHRONOUS_CALLBACK_METHODS = { forEach: true, map: true, filter: true, some: true, every: true, reduce: true,
  reduceRight: true, find: true, findIndex: true, sort: true, replace: true };

/** Function nodes whose body runs as soon as the expression holding them is evaluated. */
function collectImmediateFunctions(ast) {
  const immediate = new Set();
  const markIfFunction = (node) => {
    if (node && (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression')) immediate.add(node);
  };
  walk.simple(ast, {
    CallExpression(node) {
      const callee = node.callee;
      markIfFunction(callee); // (function () {...})() and (function () {...}())
      if (callee.type !== 'MemberExpression') return;
      const name = propertyName(callee);
      if (name === 'call' || name === 'apply') markIfFunction(callee.object); // (function () {...}).call(this)
      if (name !== null && has(SYNCHRONOUS_CALLBACK_METHODS, name)) node.arguments.forEach(markIfFunction);
    },
    NewExpression(node) {
      markIfFunction(node.callee); // new function () {...}
      if (node.callee.type === 'Identifier' && node.callee.name === 'Promise') markIfFunction(node.arguments[0]);
    },
  });
  return immediate;
}

/**
 * For each statement of a scope body, names first declared (function declaration or var) by that
 * statement, without entering nested functions: name -> {index, kind, line}.
 */
function declarationIndexes(statements) {
  const firstDeclared = new Map();
  statements.forEach((statement, index) => {
    const declare = (name, kind, node) => {
      if (!firstDeclared.has(name)) firstDeclared.set(name, { index, kind, line: node.loc.start.line });
    };
    walk.recursive(statement, null, {
      VariableDeclaration(node, st, c) {
        if (node.kind === 'var') {
          node.declarations.forEach((declarator) => patternNames(declarator.id, []).forEach((name) => declare(name, 'var', declarator)));
        }
        node.declarations.forEach((declarator) => { if (declarator.init) c(declarator.init, st, 'Expression'); });
      },
      Function(node) {
        if (node.type === 'FunctionDeclaration' && node.id) declare(node.id.name, 'function', node);
      },
      Class() {},
    });
  });
  return firstDeclared;
}

function scopeBodyStatements(scope) {
  if (scope.type === 'Program') return scope.body;
  return scope.body.type === 'BlockStatement' ? scope.body.body : [];
}

/** Names a function has bound before its first statement runs: parameters, its own name, arguments. */
function namesBoundOnEntry(scope) {
  const names = new Set();
  if (scope.type === 'Program') return names;
  scope.params.forEach((param) => patternNames(param, []).forEach((name) => names.add(name)));
  if (scope.type === 'FunctionExpression' && scope.id) names.add(scope.id.name);
  names.add('arguments');
  return names;
}

/** `exports.x` or `module.exports.x`. */
function isExportsMember(node) {
  if (node.type !== 'MemberExpression' || propertyName(node) === null) return false;
  const object = node.object;
  if (object.type === 'Identifier') return object.name === 'exports';
  return object.type === 'MemberExpression' && object.object.type === 'Identifier' && object.object.name === 'module' &&
    propertyName(object) === 'exports';
}

function checkHoisting(ast, declared, report) {
  const immediate = collectImmediateFunctions(ast);
  const scopes = [ast];
  walk.simple(ast, { Function(node) { scopes.push(node); } });
  scopes.forEach((scope) => checkScopeHoisting(scope, declared, immediate, report));
}

function checkScopeHoisting(scope, declared, immediate, report) {
  const statements = scopeBodyStatements(scope);
  const laterDeclarations = declarationIndexes(statements);
  const boundOnEntry = namesBoundOnEntry(scope);
  boundOnEntry.forEach((name) => laterDeclarations.delete(name));
  if (laterDeclarations.size === 0) return;
  // tsc's `(function (_super) { __extends(D, _super); function D() {...} ... }(B))`, also with __extends renamed.
  const superParams = new Set(immediate.has(scope) ? scope.params.map((param) => param.name) : []);
  const explained = new Set();

  statements.forEach((statement, index) => {
    const declaredLater = (name, shadowed) => {
      const declaration = laterDeclarations.get(name);
      return declaration && declaration.index > index && !shadowed.has(name) ? declaration : null;
    };
    const reportUse = (node, shadowed, assigned) => {
      if (explained.has(node)) return;
      const declaration = declaredLater(node.name, shadowed);
      if (!declaration) return;
      const where = `its ${declaration.kind} declaration on line ${declaration.line}`;
      const message = assigned
        ? `"${node.name}" is assigned before ${where}: Espruino does not hoist var (Espruino #274), so this creates ` +
          'a global instead; move the declaration up'
        : `"${node.name}" is used before ${where}: Espruino does not hoist ${declaration.kind} declarations ` +
          `(Espruino #274), so it is not defined yet here (ReferenceError); move the declaration up`;
      report('no-hoisting', message, node.loc.start.line, node.loc.start.column);
    };
    walk.recursive(statement, new Set(), {
      Identifier(node, shadowed) {
        reportUse(node, shadowed, false);
      },
      VariablePattern(node, shadowed) {
        reportUse(node, shadowed, true); // assignment targets; declarations and params are not visited
      },
      VariableDeclarator(node, shadowed, c) {
        if (node.init) c(node.init, shadowed, 'Expression');
      },
      UnaryExpression(node, shadowed, c) {
        // typeof of a missing name gives "undefined" on Espruino too.
        if (node.operator === 'typeof' && node.argument.type === 'Identifier') return;
        c(node.argument, shadowed, 'Expression');
      },
      CallExpression(node, shadowed, c) {
        const [derived, base] = node.arguments;
        const isExtends = derived && derived.type === 'Identifier' && (calleeName(node.callee) === '__extends' ||
          (node.arguments.length === 2 && base.type === 'Identifier' && superParams.has(base.name) && !shadowed.has(base.name)));
        const declaration = isExtends ? declaredLater(derived.name, shadowed) : null;
        if (declaration && declaration.kind === 'function') {
          explained.add(derived);
          report('no-hoisting', `${calleeName(node.callee) || 'extends helper'}(${derived.name}, ...) runs before ` +
            `"function ${derived.name}" on line ${declaration.line} exists: Espruino does not hoist function declarations ` +
            '(Espruino #274), so tsc\'s ES5 output for "class ... extends ..." throws "Can\'t extend undefined"; ' +
            'avoid class inheritance in code for Espruino (use composition or a plain ES5 constructor)',
          derived.loc.start.line, derived.loc.start.column);
        }
        walk.base.CallExpression(node, shadowed, c);
      },
      AssignmentExpression(node, shadowed, c) {
        // tsc's CommonJS output for `export function f` puts `exports.f = f;` at the top of the file.
        const value = node.right;
        const declaration = isExportsMember(node.left) && value.type === 'Identifier' ? declaredLater(value.name, shadowed) : null;
        if (declaration && declaration.kind === 'function') {
          explained.add(value);
          report('no-hoisting', `exports.${propertyName(node.left)} = ${value.name} runs before "function ${value.name}" ` +
            `on line ${declaration.line} exists: Espruino does not hoist function declarations (Espruino #274), so the ` +
            'export is undefined (ReferenceError); tsc emits this for "export function"; write ' +
            `"export const ${value.name} = function (...) {...}" instead`,
          value.loc.start.line, value.loc.start.column);
        }
        walk.base.AssignmentExpression(node, shadowed, c);
      },
      Function(node, shadowed, c) {
        // Other function bodies run later, once every declaration of this scope exists.
        if (!immediate.has(node)) return;
        const inner = new Set(shadowed);
        (declared.get(node) || new Set()).forEach((name) => inner.add(name));
        inner.add('arguments');
        c(node.body, inner, node.expression ? 'Expression' : 'Statement');
      },
      CatchClause(node, shadowed, c) {
        const inner = new Set(shadowed);
        patternNames(node.param, []).forEach((name) => inner.add(name));
        c(node.body, inner, 'Statement');
      },
      Class(node, shadowed, c) {
        if (node.superClass) c(node.superClass, shadowed, 'Expression');
      },
    });
  });
}

/** Whether two expressions name the same object as written (identifiers and dotted paths). */
function sameReference(a, b) {
  if (a.type !== b.type) return false;
  if (a.type === 'Identifier') return a.name === b.name;
  if (a.type === 'ThisExpression') return true;
  if (a.type === 'MemberExpression') {
    return a.computed === b.computed && sameReference(a.object, b.object) &&
      (a.computed ? sameReference(a.property, b.property) : a.property.name === b.property.name);
  }
  return false;
}

function errorSubclassMessage(base) {
  return `subclass of ${base}: instances lose "message" on Espruino (table #22); ` +
    'throw a plain Error and set properties on it, or use an ES5 constructor that does not inherit from Error';
}

// ---------------------------------------------------------------------------------------------
// Allowlist: /* espruino-ok: reason */ silences every problem on the lines the comment covers.

function readAllowlist(comments, report) {
  const lines = new Set();
  comments.forEach((comment) => {
    const text = comment.value.trim();
    if (text !== ALLOWLIST_MARK && !/^espruino-ok[\s:]/.test(text)) return;
    const rest = text.slice(ALLOWLIST_MARK.length).trim();
    const reason = rest.charAt(0) === ':' ? rest.slice(1).trim() : '';
    if (reason === '') {
      report('allowlist', `"${ALLOWLIST_MARK}" needs a reason ("/* ${ALLOWLIST_MARK}: why this is safe */"); nothing is allowlisted`,
        comment.loc.start.line, comment.loc.start.column);
      return;
    }
    for (let line = comment.loc.start.line; line <= comment.loc.end.line; line++) lines.add(line);
  });
  return lines;
}

// ---------------------------------------------------------------------------------------------

/**
 * Checks one JavaScript source meant for Espruino 2v29.
 * Returns [{rule, message, line, column, severity}] sorted by position; line and column are 1-based;
 * severity is "warning" for regexp-dynamic and "error" otherwise (both count as problems).
 */
function checkSource(code, filename) {
  const problems = [];
  const report = (rule, message, line, column) => {
    problems.push({ rule, message, line, column: column + 1, severity: WARNING_RULES[rule] ? 'warning' : 'error' });
  };
  let comments = [];
  let ast = null;
  try {
    ast = parse(code, 5, 'script', comments);
  } catch (err) {
    if (!(err instanceof SyntaxError) || !err.loc) throw err;
    const reason = err.message.replace(/ \(\d+:\d+\)$/, '');
    report('es5-syntax', `not ECMAScript 5: ${reason}; Espruino bundles must be compiled to ES5`, err.loc.line, err.loc.column);
    ast = parseLeniently(code);
    comments = ast ? ast.comments : comments;
  }
  if (ast) checkAst(ast, report);
  const allowed = readAllowlist(comments, report);
  const kept = problems.filter((problem) => problem.rule === 'allowlist' || !allowed.has(problem.line));
  kept.sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return dedupe(kept);
}

/** After an ES5 parse error, the other rules still run on a modern parse so one report lists everything. */
function parseLeniently(code) {
  for (const sourceType of ['script', 'module']) {
    const comments = [];
    try {
      const ast = parse(code, 'latest', sourceType, comments);
      ast.comments = comments;
      return ast;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
  }
  return null;
}

function dedupe(problems) {
  const seen = new Set();
  return problems.filter((problem) => {
    const key = `${problem.line}:${problem.column}:${problem.rule}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line per problem: `file:line:col rule — explanation`. */
function formatProblem(file, problem) {
  return `${file}:${problem.line}:${problem.column} ${problem.rule} — ${problem.message}`;
}

module.exports = { checkSource, checkRegExp, formatProblem, RULES };
