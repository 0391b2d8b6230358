'use strict';
// Unwraps the IIFE that TypeScript's ES5 output puts around every class:
//
//   var Foo = /** @class */ (function () { function Foo() {...} Foo.prototype.bar = function () {...}; return Foo; }());
//
// becomes
//
//   function Foo() {...} Foo.prototype.bar = function () {...};
//
// Why: Espruino stores, in every function it creates, the scopes the function closes over. One scope
// (a module's top level) is a single reference; two or more (module + class IIFE) are a fresh array
// with one element per scope. Measured on Espruino 2v29 from Storage: a prototype method costs 9.3
// variables inside the IIFE and 6.3 at the module's top level, so this saves 3 variables per method,
// for as long as the module is loaded.
//
// Only the exact shape tsc emits is rewritten (a `var` whose initialiser is a parameterless IIFE whose
// body is declarations, expression statements and a final `return <ClassName>`); anything else is left
// as it is and reported, so a change in tsc's output shows up in the build instead of silently costing
// memory. The IIFE's own declarations move to the module's top level: a name that would collide with
// one already there stops the build.
const acorn = require('acorn');
const walk = require('acorn-walk');

function topLevelNames(program) {
  const names = new Set();
  for (const node of program.body) {
    if (node.type === 'FunctionDeclaration') names.add(node.id.name);
    if (node.type === 'VariableDeclaration') {
      for (const d of node.declarations) if (d.id.type === 'Identifier') names.add(d.id.name);
    }
  }
  return names;
}

/** The class IIFE in `var X = (function () { ...; return Y; }())`, or null when the shape differs. */
function classIife(statement) {
  if (statement.type !== 'VariableDeclaration' || statement.declarations.length !== 1) return null;
  const decl = statement.declarations[0];
  let call = decl.init;
  if (!call || decl.id.type !== 'Identifier') return null;
  if (call.type === 'ParenthesizedExpression') call = call.expression;
  if (call.type !== 'CallExpression' || call.arguments.length !== 0) return null;
  let fn = call.callee;
  if (fn.type === 'ParenthesizedExpression') fn = fn.expression;
  if (fn.type !== 'FunctionExpression' || fn.params.length !== 0 || fn.id) return null;
  const body = fn.body.body;
  const last = body[body.length - 1];
  if (!last || last.type !== 'ReturnStatement' || !last.argument || last.argument.type !== 'Identifier') return null;
  const inner = last.argument.name;
  const ctor = body.find((s) => s.type === 'FunctionDeclaration' && s.id.name === inner);
  if (!ctor) return null;
  for (const s of body.slice(0, -1)) {
    if (!['FunctionDeclaration', 'VariableDeclaration', 'ExpressionStatement'].includes(s.type)) return null;
  }
  // `this` and `arguments` at the IIFE's own level would change meaning once unwrapped.
  if (usesOwnThisOrArguments(fn)) return null;
  return { outer: decl.id.name, inner, fn, body };
}

/** Whether `fn`'s body uses `this` or `arguments` outside the functions nested in it. */
function usesOwnThisOrArguments(fn) {
  let found = false;
  const own = (ancestors) => !ancestors.some((a) => a !== fn && /Function/.test(a.type));
  walk.ancestor(fn.body, {
    ThisExpression(_node, _state, ancestors) { if (own(ancestors)) found = true; },
    Identifier(node, _state, ancestors) { if (node.name === 'arguments' && own(ancestors)) found = true; },
  });
  return found;
}

/** Offsets of the identifiers in `body` that refer to `name` (not property keys or member names). */
function referencesTo(fnBody, name) {
  const found = [];
  walk.fullAncestor(fnBody, (node, _state, ancestors) => {
    if (node.type !== 'Identifier' || node.name !== name) return;
    const parent = ancestors[ancestors.length - 2];
    if (parent && parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
    if (parent && parent.type === 'Property' && parent.key === node && !parent.computed) return;
    found.push(node);
  });
  return found;
}

/**
 * Rewrites `code` (a CommonJS bundle) and returns { code, flattened, skipped } where flattened lists
 * the classes unwrapped and skipped the class-like IIFEs left alone.
 */
function flattenClasses(code) {
  const program = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script', preserveParens: true });
  const taken = topLevelNames(program);
  const edits = [];
  const flattened = [];
  const skipped = [];
  for (const statement of program.body) {
    const iife = classIife(statement);
    if (!iife) {
      if (statement.type === 'VariableDeclaration' && /\/\*\* @class \*\//.test(code.slice(statement.start, statement.end))) {
        skipped.push(statement.declarations[0].id.name);
      }
      continue;
    }
    const { outer, inner, fn, body } = iife;
    const moved = topLevelNames({ body: body.slice(0, -1) });
    for (const name of moved) {
      const target = name === inner ? outer : name;
      if (target !== outer && taken.has(target)) {
        throw new Error(`flatten-classes: ${outer}: '${name}' would collide with a top-level name`);
      }
      taken.add(target);
    }
    // The body's text, with the inner class name renamed to the outer binding when rollup renamed it.
    const start = body[0].start;
    const end = body[body.length - 2] ? body[body.length - 2].end : start;
    let text = code.slice(start, end);
    if (inner !== outer) {
      const refs = referencesTo(fn.body, inner)
        .filter((n) => n.start >= start && n.end <= end)
        .sort((a, b) => b.start - a.start);
      for (const ref of refs) text = text.slice(0, ref.start - start) + outer + text.slice(ref.end - start);
    }
    edits.push({ start: statement.start, end: statement.end, text });
    flattened.push(outer);
  }
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return { code: out, flattened, skipped };
}

/** Rollup plugin: flattens every chunk and fails the build when a class could not be flattened. */
function flattenClassesPlugin() {
  return {
    name: 'flatten-classes',
    renderChunk(code) {
      const result = flattenClasses(code);
      if (result.skipped.length) {
        this.error('flatten-classes: not in the expected shape, left wrapped: ' + result.skipped.join(', '));
      }
      return { code: result.code, map: null };
    },
  };
}

module.exports = { flattenClasses, flattenClassesPlugin };
