'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { flattenClasses } = require('../scripts/lib/flatten-classes');

// What tsc (target ES5) emits for a class, as rollup passes it on.
const TSC_CLASS = `
var Counter = /** @class */ (function () {
    function Counter(start) { this.n = start; }
    Object.defineProperty(Counter.prototype, "double", {
        get: function () { return this.n * 2; },
        enumerable: false,
        configurable: true
    });
    Counter.prototype.add = function (k) { this.n += k; return this; };
    Counter.create = function () { return new Counter(1); };
    return Counter;
}());
exports.Counter = Counter;
`;

function run(code) {
  const exports = {};
  vm.runInNewContext(code, { exports });
  return exports;
}

describe('build: flattening the class IIFEs (3 fewer Espruino variables per method)', () => {
  it('moves the constructor and its members to the top level', () => {
    const { code, flattened, skipped } = flattenClasses(TSC_CLASS);
    assert.deepStrictEqual(flattened, ['Counter']);
    assert.deepStrictEqual(skipped, []);
    assert.ok(!/function \(\) \{\s*function Counter/.test(code), code);
    assert.match(code, /^\s*function Counter\(start\)/);
    assert.match(code, /\nexports\.Counter = Counter;/);
  });

  it('keeps the class working: constructor, getter, methods and statics', () => {
    const { Counter } = run(flattenClasses(TSC_CLASS).code);
    const c = new Counter(3);
    assert.strictEqual(c.add(2).n, 5);
    assert.strictEqual(c.double, 10);
    assert.strictEqual(Counter.create().n, 1);
    assert.ok(c instanceof Counter);
  });

  it('renames the inner name when rollup renamed the outer binding', () => {
    const renamed = `function Counter() { return 'helper'; }
var Counter$1 = /** @class */ (function () {
    function Counter(v) { this.v = v; }
    Counter.prototype.copy = function () { return new Counter(this.v); };
    Counter.prototype.obj = function () { return { Counter: 1 }; };
    return Counter;
}());
exports.Counter = Counter$1; exports.helper = Counter;`;
    const { code, flattened } = flattenClasses(renamed);
    assert.deepStrictEqual(flattened, ['Counter$1']);
    const { Counter, helper } = run(code);
    assert.strictEqual(helper(), 'helper');
    const copy = new Counter(4).copy();
    assert.ok(copy instanceof Counter);
    assert.strictEqual(copy.v, 4);
    assert.strictEqual(JSON.stringify(copy.obj()), '{"Counter":1}');
  });

  it('leaves other shapes wrapped and reports them', () => {
    const odd = `var Odd = /** @class */ (function (base) {
    function Odd() {}
    return Odd;
}(Object));`;
    const result = flattenClasses(odd);
    assert.deepStrictEqual(result.flattened, []);
    assert.deepStrictEqual(result.skipped, ['Odd']);
    assert.strictEqual(result.code, odd);
  });

  it('stops on a name the unwrapped body would redeclare', () => {
    const clash = `var helper = 1;
var A = /** @class */ (function () {
    var helper = 2;
    function A() {}
    return A;
}());`;
    assert.throws(() => flattenClasses(clash), /helper.*collide/);
  });

  it('leaves no class wrapped in the built bundles', function () {
    const dist = path.join(__dirname, '..', 'dist');
    const bundles = fs.readdirSync(dist).filter((f) => /\.js$/.test(f) && !/\.min\.js$/.test(f));
    if (!bundles.length) this.skip();
    for (const file of bundles) {
      const text = fs.readFileSync(path.join(dist, file), 'utf8');
      assert.ok(!/@class/.test(text), file + ' still has a class IIFE');
    }
  });
});
