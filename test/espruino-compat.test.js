'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const fc = require('fast-check');
const { checkSource, checkRegExp } = require('../scripts/lib/espruino-compat');

const CLI = path.join(__dirname, '..', 'scripts', 'check-espruino.js');

function rulesOf(code) {
  return checkSource(code, 'snippet.js').map((problem) => problem.rule);
}

function assertAccepted(code) {
  const problems = checkSource(code, 'snippet.js');
  assert.deepStrictEqual(problems, [], `expected no problem in ${code}, got ${JSON.stringify(problems)}`);
}

function assertRejected(code, rule) {
  const rules = rulesOf(code);
  assert.ok(rules.indexOf(rule) >= 0, `expected ${rule} in ${code}, got ${JSON.stringify(rules)}`);
}

describe('espruino-compat checkSource', () => {
  describe('es5-syntax', () => {
    it('accepts ES5 code with getters in object literals', () => {
      assertAccepted('var o = { get x() { return 1; } }; function f(a) { return a + o.x; }');
    });

    it('rejects arrow syntax and reports the parse position', () => {
      const problems = checkSource('var a = 1;\nvar f = (x) => x;', 'snippet.js');
      // acorn stops at the "=>" (column 14), the first token ES5 cannot read.
      assert.deepStrictEqual(problems.map((p) => [p.rule, p.line, p.column]), [['es5-syntax', 2, 14]]);
    });

    it('still runs the other rules after an ES5 parse error', () => {
      assert.deepStrictEqual(rulesOf('const m = new Map();'), ['es5-syntax', 'missing-builtin']);
    });
  });

  describe('regexp', () => {
    const accepted = [
      ['/a\\?b/', 'an escaped question mark'],
      ['/[?{]/', 'metacharacters inside a class'],
      ['/[^\\r\\n]*/', 'a repeated negated class'],
      ['/^\\s*$/', 'anchors around a repeated escape class'],
      ['/^([^:]+):\\s*(.*)$/', 'an unquantified capture group'],
      ['/a|b+/gi', 'alternation with the g and i flags'],
      ['/x{/', 'a "{" that does not form a counted quantifier'],
      ['/[\\]?]+/', 'an escaped "]" inside a class'],
    ];
    accepted.forEach(([literal, what]) => {
      it(`accepts ${literal} (${what})`, () => assertAccepted(`var r = ${literal};`));
    });

    const rejected = [
      ['/a?b/', 'the ? quantifier'],
      ['/(?:a)/', 'a non-capturing group'],
      ['/(?=a)/', 'a lookahead'],
      ['/a{2}/', 'a {n} quantifier'],
      ['/a{1,}/', 'a {n,} quantifier'],
      ['/\\d{1,3}/', 'a {n,m} quantifier on an escape'],
      ['/(ab)+/', 'a quantified group'],
      ['/(a|b)*/', 'a starred group'],
      ['/a*?/', 'a lazy star'],
      ['/a+?/', 'a lazy plus'],
      ['/(a)\\1/', 'a backreference'],
      ['/\\1/', 'a bare backreference'],
      ['/x/m', 'the m flag'],
      ['/x/y', 'the y flag'],
    ];
    rejected.forEach(([literal, what]) => {
      it(`rejects ${literal} (${what})`, () => assertRejected(`var r = ${literal};`, 'regexp'));
    });

    it('points the column at the offending character of a literal', () => {
      const [problem] = checkSource('var r = /ab?c/;', 'snippet.js');
      assert.strictEqual(problem.rule, 'regexp');
      assert.strictEqual(problem.line, 1);
      assert.strictEqual(problem.column, 12); // the "?"
    });

    it('reports one problem for "(?:" rather than also calling its "?" a quantifier', () => {
      assert.strictEqual(checkRegExp('(?:a)', '').length, 1);
    });

    it('checks new RegExp and RegExp with string literals, including the flags argument', () => {
      assertAccepted('var r = new RegExp("^\\\\d+$", "g");');
      assertRejected('var r = new RegExp("a{2}");', 'regexp');
      assertRejected('var r = RegExp("(?:x)");', 'regexp');
      assertRejected('var r = new RegExp("x", "m");', 'regexp');
    });
  });

  describe('regexp-dynamic', () => {
    it('accepts a RegExp built from literals', () => assertAccepted('var r = new RegExp("a+");'));

    it('warns about new RegExp(nonLiteral), counted as a problem', () => {
      const problems = checkSource('var r = new RegExp(userPattern);', 'snippet.js');
      assert.deepStrictEqual(problems.map((p) => [p.rule, p.severity]), [['regexp-dynamic', 'warning']]);
    });

    it('warns about a non-literal flags argument', () => assertRejected('var r = new RegExp("a", flags);', 'regexp-dynamic'));
  });

  describe('prototype-access', () => {
    it('accepts [].slice.call and Object.prototype.hasOwnProperty.call', () => {
      assertAccepted('var a = [].slice.call(arguments); var h = Object.prototype.hasOwnProperty.call(o, "k");');
    });

    it('accepts a locally declared Array whose prototype is its own business', () => {
      assertAccepted('function f(Array) { return Array.prototype.slice; }');
    });

    it('rejects Array.prototype.slice.call', () => assertRejected('Array.prototype.slice.call(arguments);', 'prototype-access'));
    it('rejects String.prototype.charCodeAt.call', () => assertRejected('String.prototype.charCodeAt.call(s, 0);', 'prototype-access'));
    it('rejects Function.prototype.apply reached through the prototype', () => assertRejected('Function.prototype.apply.call(f, null, a);', 'prototype-access'));
    it('rejects Object.prototype.toString.call (gives "" on Espruino)', () => assertRejected('Object.prototype.toString.call(x);', 'prototype-access'));
    it('rejects computed access Array.prototype["push"]', () => assertRejected('Array.prototype["push"].apply(a, b);', 'prototype-access'));
    it('rejects polyfills assigned to a built-in prototype, even hasOwnProperty', () => {
      assertRejected('Array.prototype.flat = function () {};', 'prototype-access');
      assertRejected('Object.prototype.hasOwnProperty = function () {};', 'prototype-access');
    });
    it('rejects aliasing Array.prototype into a variable', () => assertRejected('var AP = Array.prototype;', 'prototype-access'));
  });

  describe('labels', () => {
    it('accepts unlabelled break and continue', () => assertAccepted('for (var i = 0; i < 3; i++) { if (i) break; else continue; }'));
    it('rejects a labelled loop', () => assertRejected('outer: for (;;) { for (;;) { break outer; } }', 'labels'));
  });

  describe('missing-builtin', () => {
    it('rejects free references to Map, Set, Symbol, Buffer, setImmediate and TextDecoder', () => {
      ['new Map();', 'new Set();', 'Symbol.iterator;', 'Buffer.from(s);', 'setImmediate(f);', 'new TextDecoder();']
        .forEach((code) => assertRejected(code, 'missing-builtin'));
    });

    it('accepts a locally declared var Map', () => assertAccepted('var Map = function () {}; var m = new Map();'));
    it('accepts a function parameter named Set', () => assertAccepted('function f(Set) { return new Set(); }'));
    it('accepts a function declaration named Map hoisted in an outer scope', () => {
      assertAccepted('function g() { return new Map(); } function Map() {}');
    });
    it('accepts a catch parameter named Symbol inside its block', () => assertAccepted('try { f(); } catch (Symbol) { g(Symbol); }'));
    it('rejects Map used outside the function that declares it', () => {
      assertRejected('function f() { var Map = 1; } new Map();', 'missing-builtin');
    });
    it('accepts x.Map and { Map: 1 } (property names, not globals)', () => assertAccepted('var y = x.Map; var o = { Map: 1 };'));
    it('accepts typeof Symbol feature detection', () => assertAccepted('var hasSymbol = typeof Symbol === "function";'));

    it('rejects Object.create with a properties argument', () => assertRejected('Object.create(p, { a: { value: 1 } });', 'missing-builtin'));
  });

  describe('release-api', () => {
    it('reads the 2v29 release\'s declarations: Date has getTimezoneOffset and no getUTC*, Object no freeze', () => {
      const api = require('../scripts/lib/espruino-2v29-api.json');
      assert.strictEqual(api.tag, 'RELEASE_2V29');
      const dateMembers = Object.keys(api.classes.Date.prototype);
      assert.ok(dateMembers.indexOf('getTimezoneOffset') >= 0 && dateMembers.indexOf('getTime') >= 0);
      assert.deepStrictEqual(dateMembers.filter((name) => /UTC/.test(name)), ['toUTCString']);
      assert.ok(!Object.prototype.hasOwnProperty.call(api.classes.Object.statics, 'freeze'));
      assert.deepStrictEqual(Object.keys(api.classes.Storage.statics).filter((n) => /^read/.test(n)),
        ['read', 'readArrayBuffer', 'readJSON']);
    });

    const messagesOf = (code, options) => checkSource(code, 'snippet.js', options)
      .filter((p) => p.rule === 'release-api').map((p) => p.message);

    it('rejects a getUTCHours call, naming the member (the release has no getUTC*)', () => {
      const [message] = messagesOf('var d = new Date(t);\nvar h = d.getUTCHours();');
      assert.match(message, /^\.getUTCHours\(\): Date#getUTCHours is not in the Espruino 2v29 release/);
      assert.deepStrictEqual(checkSource('x.when.getUTCHours();', 'snippet.js').map((p) => [p.rule, p.line, p.column]),
        [['release-api', 1, 8]]);
    });

    it('rejects every Date#getUTC* and setUTC* call, and a read on new Date()', () => {
      ['getUTCDate', 'getUTCDay', 'getUTCFullYear', 'getUTCMinutes', 'getUTCMonth', 'getUTCSeconds',
        'getUTCMilliseconds', 'setUTCHours'].forEach((name) => assertRejected(`d.${name}();`, 'release-api'));
      assert.deepStrictEqual(messagesOf('var f = new Date().getUTCHours;').map((m) => m.split(' ')[0]), ['Date#getUTCHours']);
    });

    it('accepts the Date members the release has', () => {
      assertAccepted('var d = new Date(); d.getTime(); d.getHours(); d.getTimezoneOffset(); d.toISOString(); ' +
        'new Date(0).toUTCString(); Date.now(); Date.parse(s);');
    });

    it('rejects Date.UTC and Object.freeze, naming the static', () => {
      assert.match(messagesOf('var t = Date.UTC(2024, 0, 1);')[0], /^Date\.UTC is not in the Espruino 2v29 release \(table #133/);
      assert.match(messagesOf('Object.freeze(o);')[0], /^Object\.freeze is not in the Espruino 2v29 release \(table #10\)/);
    });

    it('rejects other statics the release lacks: Array.from, Number.isInteger, Math.trunc, Uint8Array.from, ...', () => {
      ['Array.from(a);', 'Array.of(1);', 'Number.isInteger(n);', 'Math.trunc(n);', 'var e = Number.EPSILON;',
        'var m = Number.MAX_SAFE_INTEGER;', 'process.nextTick(f);', 'Uint8Array.from(a);', 'ArrayBuffer.isView(b);',
        'Promise.race(ps);', 'console.table(rows);', 'Object.is(a, b);']
        .forEach((code) => assertRejected(code, 'release-api'));
    });

    it('accepts statics the release has, and Object\'s methods on a class object', () => {
      assertAccepted('Math.sign(n); Object.keys(o); Object.create(p); Math.floor(n); String.fromCharCode(65); ' +
        'Array.isArray(a); JSON.stringify(o); Promise.all(ps); E.on("init", f); E.toJS(1); process.memory(); ' +
        'console.log(1); Object.prototype.hasOwnProperty.call(o, "k"); Date.call(null);');
    });

    it('rejects methods no class of the release has: trimStart, codePointAt, localeCompare, flatMap, at, keys', () => {
      ['s.trimStart();', 's.trimEnd();', 's.codePointAt(0);', 's.normalize();', 'a.localeCompare(b);',
        'a.flat();', 'a.flatMap(f);', 'a.findLast(f);', 'a.at(-1);', 'a.keys();', 'a.values();', 'o.isPrototypeOf(p);',
        'n.toPrecision(2);', 'p.finally(f);']
        .forEach((code) => assertRejected(code, 'release-api'));
    });

    it('rejects Node-only members on sockets, emitters and buffers', () => {
      ['socket.setNoDelay(true);', 'socket.destroy();', 'emitter.once("x", f);', 'b.readUInt16BE(0);']
        .forEach((code) => assertRejected(code, 'release-api'));
    });

    it('accepts methods the release has, whatever the receiver', () => {
      assertAccepted('s.padStart(3, "0"); s.repeat(2); s.trim(); s.includes("a"); s.startsWith("a"); a.indexOf(x); ' +
        'n.toFixed(2); sock.write(d); sock.end(); sock.on("data", f); e.removeAllListeners("x"); f.bind(o); s.split(":");');
    });

    it('accepts a method with a standard name that the file defines itself', () => {
      assertAccepted('Conn.prototype.destroy = function () {}; c.destroy();');
      assertAccepted('var o = { at: function (i) { return i; } }; o.at(1);');
    });

    it('accepts a method that code loaded with the file defines (definedElsewhere)', () => {
      assert.deepStrictEqual(messagesOf('c.destroy();', { definedElsewhere: new Set(['destroy']) }), []);
      assert.deepStrictEqual(messagesOf('c.destroy();').length, 1);
    });

    it('accepts an unknown method no built-in has', () => assertAccepted('a.frobnicate(); a.getUTCHoursOfDay();'));

    it('accepts feature detection: typeof anywhere in the file, or the member in the guarding test', () => {
      assertAccepted('var ok = typeof d.getUTCHours === "function";\nfunction h(d) { return d.getUTCHours(); }');
      assertAccepted('var h = d.getUTCHours ? d.getUTCHours() : 0; if (Date.UTC) { t = Date.UTC(2020, 0); }');
      assertAccepted('var s = x.trimStart && x.trimStart();');
      assertAccepted('var t = typeof Date.UTC === "function";');
    });

    it('still rejects a use whose guard tests something else', () => {
      assertRejected('if (ready) d.getUTCHours();', 'release-api');
    });

    it('accepts a shadowed global class and assignments of new members', () => {
      assertAccepted('function f(Date) { return Date.UTC(1); }');
      assertAccepted('E.myHandler = function () {}; x.getUTCHours = 1;');
    });

    it('checks members of require("lib") for the release\'s libraries', () => {
      assert.deepStrictEqual(messagesOf('var S = require("Storage");\nS.read("a"); S.readFile("b");'),
        ['require("Storage").readFile is not in the Espruino 2v29 release']);
      assertRejected('require("tls").createServer(o, f);', 'release-api');
      assertAccepted('require("net").createServer(f); require("fs").readFileSync(p); require("Storage").list();');
      assertAccepted('require("MyModule").anything();');
    });

    it('rejects standard globals the release lacks that no other rule names: RangeError, URIError', () => {
      assert.match(messagesOf('throw new RangeError("x");')[0], /^RangeError is not in the Espruino 2v29 release/);
      assertRejected('var e = new URIError("x");', 'release-api');
      assertAccepted('if (typeof RangeError !== "undefined") {} var e = new TypeError("x"); var i = new InternalError("y");');
    });
  });

  describe('uri-functions', () => {
    it('accepts a hand-written percent decoder declared locally', () => {
      assertAccepted('function decodeURIComponent(s) { return s; } decodeURIComponent("a");');
    });
    it('rejects encodeURIComponent and decodeURIComponent', () => {
      assertRejected('var a = encodeURIComponent(s);', 'uri-functions');
      assertRejected('var b = decodeURIComponent(s);', 'uri-functions');
    });
  });

  describe('split-limit', () => {
    it('accepts split with one argument', () => assertAccepted('var parts = s.split(":");'));
    it('rejects split with a limit', () => assertRejected('var parts = s.split(":", 2);', 'split-limit'));
  });

  describe('error-subclass', () => {
    const tscOutput = (base) => [
      'var HttpError = /** @class */ (function (_super) {',
      '    __extends(HttpError, _super);',
      '    function HttpError(message) { return _super.call(this, message) || this; }',
      '    return HttpError;',
      `}(${base}));`,
    ].join('\n');

    it('does not call the tsc class-extends pattern with a non-Error base an Error subclass', () => {
      // The pattern is still rejected, by no-hoisting: see that rule's tests.
      assert.deepStrictEqual(rulesOf(`function __extends(d, b) {}\n${tscOutput('Base')}`), ['no-hoisting']);
    });
    it('rejects the tsc class-extends pattern with Error as base', () => {
      assertRejected(`function __extends(d, b) {}\n${tscOutput('Error')}`, 'error-subclass');
    });
    it('rejects the pattern after a minifier renamed __extends', () => {
      assertRejected('var E = function (e) { function t(n) { return e.call(this, n) || this; } x(t, e); return t; }(TypeError);',
        'error-subclass');
    });
    it('rejects Object.setPrototypeOf(x, Error.prototype)', () => {
      assertRejected('Object.setPrototypeOf(this, Error.prototype);', 'error-subclass');
    });
  });

  describe('with', () => {
    it('accepts explicit member access', () => assertAccepted('var b = a.b;'));
    it('rejects a with statement', () => assertRejected('with (a) { b = 1; }', 'with'));
  });

  describe('for-in-delete', () => {
    it('rejects deleting the iterated property of the iterated object', () => {
      assertRejected('for (var k in o) delete o[k];', 'for-in-delete');
      assertRejected('for (var k in this.parts) { if (k) delete this.parts[k]; }', 'for-in-delete');
    });
    it('accepts deleting through Object.keys, or from another object', () => {
      assertAccepted('var keys = Object.keys(o); for (var i = 0; i < keys.length; i++) delete o[keys[i]];');
      assertAccepted('for (var k in o) delete other[k];');
      assertAccepted('for (var k in o) delete o.fixed;');
    });
  });

  describe('ts-helper', () => {
    it('accepts the __extends and __assign helpers', () => {
      assertAccepted([
        'var __extends = (this && this.__extends) || function (d, b) { Object.setPrototypeOf(d, b); };',
        'var __assign = (this && this.__assign) || function () { return {}; };',
      ].join('\n'));
    });
    it('rejects __spreadArray, __read, __values, __generator, __awaiter and __rest definitions', () => {
      ['__spreadArray', '__read', '__values', '__generator', '__awaiter', '__rest'].forEach((name) => {
        assertRejected(`var ${name} = (this && this.${name}) || function () {};`, 'ts-helper');
      });
    });
    it('reports one problem per helper definition, not another for this.__read inside it', () => {
      assert.deepStrictEqual(rulesOf('var __read = (this && this.__read) || function () {};'), ['ts-helper']);
    });
    it('rejects helpers imported from tslib', () => assertRejected('var a = tslib_1.__spreadArray([], b, true);', 'ts-helper'));
    it('rejects a minified __generator recognised by its error string', () => {
      assertRejected('var g = function (t, e) { throw new TypeError("Generator is already executing."); };', 'ts-helper');
    });
  });

  describe('no-hoisting', () => {
    const hoistingProblems = (code) => checkSource(code, 'snippet.js').filter((p) => p.rule === 'no-hoisting');

    it('rejects calling a function declared by a later statement', () => assertRejected('f(); function f(){}', 'no-hoisting'));
    it('rejects a var initialiser calling a later function declaration', () => {
      assertRejected('var a = g(); function g(){ return 1 }', 'no-hoisting');
    });
    it('rejects reading a var before its declaration', () => assertRejected('var b = q + 1; var q = 2;', 'no-hoisting'));
    it('rejects assigning a var before its declaration, saying it creates a global', () => {
      const [problem] = hoistingProblems('x = 1; var x;');
      assert.strictEqual(problem.column, 1);
      assert.match(problem.message, /"x" is assigned before its var declaration on line 1.*global/);
    });
    it('rejects x++ and for (x in o) before var x', () => {
      assertRejected('x++; var x = 0;', 'no-hoisting');
      assertRejected('for (k in o) {} var k;', 'no-hoisting');
    });
    it('rejects a later function used inside (function(){ ... })()', () => {
      assertRejected('(function(){ h(); })(); function h(){}', 'no-hoisting');
    });
    it('rejects the (function(){ ... }()), .call(this), !function and new function forms', () => {
      ['(function(){ h(); }());', '(function(){ h(); }).call(this);', '(function(){ h(); }).apply(this, []);',
        '!function(){ h(); }();', 'var o = new function(){ h(); };'].forEach((iife) => {
        assertRejected(`${iife}\nfunction h(){}`, 'no-hoisting');
      });
    });
    it('rejects a later function used by a callback that forEach or new Promise runs at once', () => {
      assertRejected('[1].forEach(function(n){ q(n); }); function q(){}', 'no-hoisting');
      assertRejected('var p = new Promise(function(resolve){ q(resolve); }); function q(){}', 'no-hoisting');
    });
    it('rejects a use inside a nested block of an earlier statement', () => {
      assertRejected('if (ready) { for (;;) { try { f(); } catch (e) {} } } function f(){}', 'no-hoisting');
    });
    it('rejects the same mistake inside a function body', () => {
      assertRejected('function outer(){ g(); function g(){} }', 'no-hoisting');
    });
    it('points at the use and names the line of the declaration', () => {
      const problems = hoistingProblems('var a = 1;\nvar b = later();\n\nfunction later(){ return 2; }');
      assert.deepStrictEqual(problems.map((p) => [p.line, p.column]), [[2, 9]]);
      assert.match(problems[0].message, /"later" is used before its function declaration on line 4/);
    });
    it('reports every use before the declaration, and none after it', () => {
      assert.strictEqual(hoistingProblems('f(); f(); function f(){} f();').length, 2);
    });

    it('accepts a function body calling a function declared after it', () => {
      assertAccepted('function f(){ return g(); } function g(){}');
    });
    it('accepts a method in an object literal calling a later function', () => {
      assertAccepted('var o = { m: function(){ return k(); } }; function k(){}');
    });
    it('accepts calling a function after its declaration', () => assertAccepted('function a(){} a();'));
    it('accepts a function body reading a var declared later in the enclosing scope', () => {
      assertAccepted('function w(){ return limit; } var limit = 3;');
    });
    it('accepts a callback that runs later (setTimeout, event handlers)', () => {
      assertAccepted('setTimeout(function(){ q(); }, 0); server.on("x", function(){ q(); }); function q(){}');
    });
    it('accepts typeof feature detection before the var', () => assertAccepted('var t = typeof zz; var zz = 1;'));
    it('accepts uses and declarations in the same statement', () => {
      assertAccepted('var n = 1, m = n + 1;');
      assertAccepted('for (var i = 0; i < 3; i++) { i = i + 1; }');
    });
    it('accepts names that an IIFE, a catch clause or a parameter binds itself', () => {
      assertAccepted('function g(){} (function(h){ h(); })(g); (function(){ var h = g; h(); })(); function h(){}');
      assertAccepted('function g(){} try { g(); } catch (e) { e = 1; } var e;');
      assertAccepted('function f(v){ v = 2; var v; return v; }');
    });
    it('accepts the tsc enum and namespace pattern', () => {
      assertAccepted('var Color;\n(function (Color) { Color[Color["Red"] = 0] = "Red"; })(Color || (Color = {}));');
    });

    it('rejects __extends(D, _super) placed before function D, naming the failure', () => {
      const problems = hoistingProblems([
        'var D = (function (_super) {',
        '    __extends(D, _super);',
        '    function D() { return _super.call(this) || this; }',
        '    return D;',
        '}(B));',
      ].join('\n'));
      assert.deepStrictEqual(problems.map((p) => [p.line, p.column]), [[2, 15]]);
      assert.match(problems[0].message, /^__extends\(D, \.\.\.\) runs before "function D" on line 3 exists.*Can't extend undefined/);
    });
    it('rejects the extends pattern after a minifier renamed __extends', () => {
      const [problem] = hoistingProblems('var E = function (e) { x(t, e); function t(n) { return e.call(this, n) || this; } return t; }(B);');
      assert.match(problem.message, /^x\(t, \.\.\.\) runs before "function t".*extends/);
    });
    it('accepts __extends placed after the constructor declaration', () => {
      assertAccepted('var D = (function (_super) { function D() {} __extends(D, _super); return D; }(B));');
    });

    it('rejects exports.f = f above function f, as tsc emits for "export function"', () => {
      const problems = hoistingProblems('exports.f = f;\nmodule.exports.g = g;\nfunction f(){}\nfunction g(){}');
      assert.deepStrictEqual(problems.map((p) => [p.line, p.column]), [[1, 13], [2, 20]]);
      assert.match(problems[0].message, /^exports\.f = f runs before "function f" on line 3.*export const f = function/);
    });

    describe('on real tsc ES5 output', () => {
      const ts = require('typescript');
      const transpile = (source) => ts.transpileModule(source, {
        compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.CommonJS },
      }).outputText;

      it('rejects a class hierarchy (class D extends B) at its __extends call', () => {
        const output = transpile([
          'export class Base { greet(): string { return "hi"; } }',
          'export class Derived extends Base { constructor() { super(); } }',
        ].join('\n'));
        const problems = hoistingProblems(output);
        const lines = output.split('\n');
        assert.strictEqual(problems.length, 1, JSON.stringify(problems));
        assert.match(lines[problems[0].line - 1], /__extends\(Derived, _super\)/);
        assert.match(problems[0].message, /Can't extend undefined/);
      });

      it('accepts a class without extends, with getters, setters, methods and static members', () => {
        const output = transpile([
          'export class Counter {',
          '  static readonly START = 0;',
          '  static create(): Counter { return new Counter(); }',
          '  private n = Counter.START;',
          '  get value(): number { return this.n; }',
          '  set value(v: number) { this.n = v; }',
          '  increment(): void { this.n++; }',
          '}',
        ].join('\n'));
        assert.match(output, /Object\.defineProperty\(Counter\.prototype, "value"/);
        assertAccepted(output);
      });
    });

    it('reports exactly the calls that precede their declaration, for any statement order (property)', () => {
      const names = ['a', 'b', 'c', 'd'];
      const statement = fc.oneof(
        fc.constantFrom(...names).map((name) => ({ call: name })),
        fc.constantFrom(...names).map((name) => ({ declare: name })));
      fc.assert(fc.property(fc.array(statement, { maxLength: 12 }), (statements) => {
        const declaredAt = {};
        statements.forEach((s, i) => { if (s.declare && !(s.declare in declaredAt)) declaredAt[s.declare] = i; });
        // One statement per line, so a problem's line tells which statement it is about.
        const code = statements.map((s) => (s.call ? `${s.call}();` : `function ${s.declare}(){}`)).join('\n');
        const expected = [];
        statements.forEach((s, i) => {
          if (s.call && s.call in declaredAt && declaredAt[s.call] > i) expected.push(i + 1);
        });
        assert.deepStrictEqual(hoistingProblems(code).map((p) => p.line), expected);
      }), { numRuns: 200 });
    });
  });

  describe('espruino-ok allowlist', () => {
    it('silences every problem on the line of a comment that gives a reason', () => {
      assertAccepted('var r = new RegExp(p); /* espruino-ok: p is built from escaped literals */');
    });
    it('does not silence other lines', () => {
      assert.deepStrictEqual(rulesOf('/* espruino-ok: reason */\nvar r = new RegExp(p);'), ['regexp-dynamic']);
    });
    it('reports a comment without a reason and silences nothing', () => {
      assert.deepStrictEqual(rulesOf('var r = new RegExp(p); /* espruino-ok */'), ['regexp-dynamic', 'allowlist']);
      assert.deepStrictEqual(rulesOf('var r = new RegExp(p); /* espruino-ok: */'), ['regexp-dynamic', 'allowlist']);
    });
  });

  it('returns problems sorted by position with 1-based line and column', () => {
    const problems = checkSource('var a = 1;\n  new Set();\nnew Map();', 'snippet.js');
    assert.deepStrictEqual(problems.map((p) => [p.rule, p.line, p.column]),
      [['missing-builtin', 2, 7], ['missing-builtin', 3, 5]]);
    assert.strictEqual(typeof problems[0].message, 'string');
  });
});

describe('espruino-compat RegExp subset (property-based)', () => {
  // A grammar of what Espruino handles: single chars, escapes, classes, "." repeated by * or +,
  // unquantified groups, "|" and anchors.
  const literalChar = fc.constantFrom(...'abcxyzABZ019 _-:;,=<>@#%&\'"!~'.split(''));
  const escapedChar = fc.constantFrom(...'.?*+()[]{}|^$/\\'.split('')).map((c) => '\\' + c);
  const classEscape = fc.constantFrom('\\d', '\\s', '\\w', '\\D', '\\S', '\\W', '\\r', '\\n', '\\t');
  const classBody = fc.array(fc.oneof(
    fc.constantFrom(...'ab?{}*+()|^$.'.split('')),
    fc.constantFrom('a-z', '0-9', 'A-F', '\\]', '\\\\', '\\-'),
    classEscape), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
  const charClass = fc.tuple(fc.boolean(), classBody).map(([negated, body]) => `[${negated ? '^' : ''}${body}]`);
  const atom = fc.oneof(literalChar, escapedChar, classEscape, charClass, fc.constant('.'));
  const piece = fc.tuple(atom, fc.constantFrom('', '', '*', '+')).map(([a, q]) => a + q);
  const { pattern } = fc.letrec((tie) => ({
    sequence: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true },
      piece, piece, tie('group')), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
    group: tie('alternation').map((inner) => `(${inner})`),
    alternation: fc.array(tie('sequence'), { minLength: 1, maxLength: 3 }).map((seqs) => seqs.join('|')),
    pattern: fc.tuple(fc.boolean(), tie('alternation'), fc.boolean())
      .map(([start, body, end]) => `${start ? '^' : ''}${body}${end ? '$' : ''}`),
  }));
  const flags = fc.constantFrom('', 'g', 'i', 'gi');

  it('accepts every pattern built only from the supported subset, as a literal and via new RegExp', () => {
    fc.assert(fc.property(pattern, flags, (source, flag) => {
      new RegExp(source, flag); // the generator itself must only produce valid JavaScript
      assert.deepStrictEqual(checkRegExp(source, flag), []);
      assert.deepStrictEqual(checkSource(`var r = /${source}/${flag};`, 'p.js'), []);
      assert.deepStrictEqual(checkSource(`var r = new RegExp(${JSON.stringify(source)}, "${flag}");`, 'p.js'), []);
    }), { numRuns: 300 });
  });

  it('rejects a supported pattern once any unsupported construct is inserted into it', () => {
    const unsupported = fc.constantFrom('a?', 'a{2}', 'a{1,}', 'a{1,3}', 'a*?', 'a+?', '(?:a)', '(?=a)', '(?!a)',
      '(a)*', '(a|b)+', '(a)\\1');
    fc.assert(fc.property(pattern, unsupported, fc.boolean(), (source, bad, before) => {
      // Inserted before or after the whole pattern, so it never lands inside an escape or a class.
      const mutated = before ? bad + source : source + bad;
      new RegExp(mutated);
      assert.ok(checkRegExp(mutated, '').length > 0, `expected ${mutated} to be rejected`);
      assert.ok(rulesOf(`var r = /${mutated}/;`).indexOf('regexp') >= 0);
    }), { numRuns: 300 });
  });
});

describe('check-espruino CLI', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-compat-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function run(files) {
    return spawnSync(process.execPath, [CLI].concat(files), { cwd: dir, encoding: 'utf8' });
  }

  it('exits 1 and prints file:line:col rule — explanation for a violation', () => {
    fs.writeFileSync(path.join(dir, 'bad.js'), 'var a = 1;\nvar parts = s.split(":", 2);\n');
    const result = run(['bad.js']);
    assert.strictEqual(result.status, 1);
    const output = result.stdout + result.stderr;
    assert.match(output, /^bad\.js:2:13 split-limit — .*limit/m);
    assert.match(output, /espruino-compat: 1 bundle, 1 problem$/m);
  });

  it('exits 0 and prints a one-line summary for clean files', () => {
    fs.writeFileSync(path.join(dir, 'good.js'), 'var parts = s.split(":");\n');
    fs.writeFileSync(path.join(dir, 'good2.js'), 'var x = [].slice.call(arguments);\n');
    const result = run(['good.js', 'good2.js']);
    assert.strictEqual(result.status, 0, result.stderr);
    assert.strictEqual(result.stdout, 'espruino-compat: 2 bundles, 0 problems\n');
    assert.strictEqual(result.stderr, '');
  });

  it('without arguments checks every dist/*.js bundle and skips .d.ts and .map files', () => {
    // A copy of the scripts beside a fake dist/, since the CLI finds dist/ relative to itself.
    const root = path.join(dir, 'project');
    fs.mkdirSync(path.join(root, 'scripts', 'lib'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'));
    fs.copyFileSync(CLI, path.join(root, 'scripts', 'check-espruino.js'));
    fs.copyFileSync(require.resolve('../scripts/lib/espruino-compat'), path.join(root, 'scripts', 'lib', 'espruino-compat.js'));
    fs.copyFileSync(require.resolve('../scripts/lib/espruino-2v29-api.json'), path.join(root, 'scripts', 'lib', 'espruino-2v29-api.json'));
    fs.writeFileSync(path.join(root, 'dist', 'server.js'), 'var a = 1;\n');
    fs.writeFileSync(path.join(root, 'dist', 'server.min.js'), 'var b = 2;\n');
    fs.writeFileSync(path.join(root, 'dist', 'server.d.ts'), 'export declare const a: Map<string, number>;\n');
    fs.writeFileSync(path.join(root, 'dist', 'server.js.map'), '{"version":3}');
    const env = Object.assign({}, process.env, { NODE_PATH: path.join(__dirname, '..', 'node_modules') });
    const clean = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-espruino.js')], { cwd: root, env, encoding: 'utf8' });
    assert.strictEqual(clean.status, 0, clean.stderr);
    assert.strictEqual(clean.stdout, 'espruino-compat: 2 bundles, 0 problems\n');

    fs.writeFileSync(path.join(root, 'dist', 'server.min.js'), 'var m = new Map();\n');
    const dirty = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-espruino.js')], { cwd: root, env, encoding: 'utf8' });
    assert.strictEqual(dirty.status, 1);
    assert.match(dirty.stderr, /^dist[\\/]server\.min\.js:1:13 missing-builtin — Map/m);
  });

  it('checks the files as one program: a method one defines is allowed in the others', () => {
    fs.writeFileSync(path.join(dir, 'core.js'), 'Conn.prototype.destroy = function () {};\n');
    fs.writeFileSync(path.join(dir, 'part.js'), 'function drop(c) { c.destroy(); }\n');
    assert.strictEqual(run(['core.js', 'part.js']).status, 0);
    const alone = run(['part.js']);
    assert.strictEqual(alone.status, 1);
    assert.match(alone.stderr, /^part\.js:1:22 release-api — \.destroy\(\): net\.Socket#destroy is not in the Espruino 2v29 release/m);
  });

  it('exits 1 for a file that does not parse as ES5', () => {
    fs.writeFileSync(path.join(dir, 'es6.js'), 'let x = () => 1;\n');
    const result = run(['es6.js']);
    assert.strictEqual(result.status, 1);
    assert.match(result.stderr, /^es6\.js:1:5 es5-syntax — /m);
  });
});
