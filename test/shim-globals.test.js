'use strict';
// The shim's language surface: only Espruino's globals, Espruino's quirks where they differ from
// V8, timers, events, uncaught errors and the small built-ins (E, process, url, btoa, crypto).
const assert = require('node:assert');
const crypto = require('node:crypto');
const fc = require('fast-check');
const { createEspruinoContext } = require('../shim');
const { PRUNED_BUILT_INS, ALWAYS_KEPT, MEASURED_PRESENT } = require('../shim/espruino-builtins');
const RELEASE_API = require('../scripts/lib/espruino-2v29-api.json');

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('shim globals', function () {
  let ctx;
  let lines;
  beforeEach(function () {
    lines = [];
    ctx = createEspruinoContext({ log: (line) => lines.push(line) });
  });
  afterEach(async function () {
    await ctx.close();
  });

  it('offers none of the globals Espruino lacks', function () {
    const names = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'Intl',
      'Buffer', 'TextEncoder', 'TextDecoder', 'queueMicrotask', 'structuredClone', 'setImmediate', 'SharedArrayBuffer',
      'Atomics', 'WebAssembly', 'escape', 'unescape', 'encodeURI', 'decodeURI', 'RangeError', 'URIError', 'module',
      'exports', '__dirname'];
    for (const name of names) {
      assert.strictEqual(ctx.run('typeof ' + name), 'undefined', name + ' should be absent');
    }
    assert.strictEqual(ctx.run('typeof process.nextTick'), 'undefined');
    assert.strictEqual(ctx.run('typeof global.process.binding'), 'undefined');
  });

  it('offers none of the built-in methods Espruino lacks', function () {
    const expressions = ['Array.from', 'Array.of', 'Object.freeze', 'Object.seal', 'Object.isFrozen', 'Number.isInteger',
      'Number.isFinite', 'Number.isNaN', 'Date.UTC', '[].flat', '[].flatMap', '[].lastIndexOf', "''.trimStart",
      "''.trimEnd", "''.codePointAt", "''.normalize", "''.localeCompare", "''.at", 'Math.trunc', 'Math.log2',
      'Math.hypot', 'Uint8Array.from', 'ArrayBuffer.isView', 'new ArrayBuffer(1).slice', 'Promise.prototype.finally',
      '({}).propertyIsEnumerable'];
    for (const expression of expressions) {
      assert.strictEqual(ctx.run('typeof ' + expression), 'undefined', expression + ' should be absent');
    }
  });

  it('has no Date#getUTC* (added after the 2v29 release): a read is undefined and a call throws, as on the board', function () {
    for (const name of ['getUTCHours', 'getUTCMinutes', 'getUTCSeconds', 'getUTCMilliseconds', 'getUTCDay', 'getUTCDate',
      'getUTCMonth', 'getUTCFullYear']) {
      assert.strictEqual(ctx.run(`typeof new Date(0).${name}`), 'undefined', name);
    }
    // The release throws Error('Function "getUTCHours" not found!'); V8 a TypeError. Either way the call fails.
    assert.throws(() => ctx.run('new Date(0).getUTCHours()'), /getUTCHours/);
    assert.strictEqual(ctx.run('try { new Date(0).getUTCHours(); "no throw" } catch (e) { "threw" }'), 'threw');
    assert.strictEqual(ctx.run('var d = new Date(784111777000); [d.getTime(), d.getHours(), d.getTimezoneOffset(), ' +
      'd.toUTCString(), typeof Date.UTC].join("|")'), '784111777000|8|0|Sun, 06 Nov 1994 08:49:37 GMT|undefined');
  });

  it('keeps on each pruned built-in only the names the release declares, measured ones and engine machinery', function () {
    // V8 makes these non-configurable, so they cannot be deleted: a known difference (see shim/index.js).
    const undeletable = { Number: ['EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER'] };
    for (const path of Object.keys(PRUNED_BUILT_INS)) {
      const [className, part] = PRUNED_BUILT_INS[path];
      const allowed = new Set(Object.keys(RELEASE_API.classes[className][part] || {})
        .concat(ALWAYS_KEPT, MEASURED_PRESENT[path] || [], undeletable[path] || []));
      const names = Array.from(ctx.run(`Object.getOwnPropertyNames(${path.replace('%TypedArray%', 'Object.getPrototypeOf(Uint8Array)')})`));
      assert.ok(names.length > 0, path);
      assert.deepStrictEqual(names.filter((name) => !allowed.has(name)), [], path + ' keeps names the release lacks');
    }
  });

  it('defines only globals the release has (every class, its global functions, variables and objects)', function () {
    const releaseGlobals = new Set(['undefined']);
    ['functions', 'variables', 'objects'].forEach((part) => Object.keys(RELEASE_API.globals[part]).forEach((n) => releaseGlobals.add(n)));
    Object.keys(RELEASE_API.classes).forEach((n) => { if (RELEASE_API.classes[n].kind === 'class') releaseGlobals.add(n); });
    assert.deepStrictEqual(Object.getOwnPropertyNames(ctx.global).filter((name) => !releaseGlobals.has(name)), []);
  });

  it('keeps what Espruino has: typed arrays, DataView, Promise, JSON, getters, Math.sign', function () {
    assert.strictEqual(ctx.run(`var view = new DataView(new ArrayBuffer(4)); view.setUint16(0, 0x1234);
      [new Uint8Array([300])[0], view.getUint8(0), typeof Promise.all, JSON.stringify({a:[1]}), Math.sign(-3),
       [3,1,2].sort().join(''), 'a-b'.replace(/-/g, '+'), Object.keys({x: 1}).join()].join()`),
    '44,18,function,{"a":[1]},-1,123,a+b,x');
  });

  it("ignores String.prototype.split's limit, as Espruino does", function () {
    assert.deepStrictEqual(Array.from(ctx.run("'a:b:c'.split(':', 2)")), ['a', 'b', 'c']);
  });

  it('throws Error("Invalid URI") for decodeURIComponent of a multi-byte UTF-8 escape', function () {
    assert.strictEqual(ctx.run("try { decodeURIComponent('%C3%A9'); 'no throw' } catch (e) { String(e) }"),
      'Error: Invalid URI');
    assert.strictEqual(ctx.run("decodeURIComponent('a%20b%2F')"), 'a b/');
    assert.strictEqual(ctx.run("try { decodeURIComponent('%') } catch (e) { e.message }"), 'Invalid URI');
  });

  it('encodes non-ASCII bytes with the garbled digits of Espruino (é as UTF-8 -> %33%19)', function () {
    assert.strictEqual(ctx.run("encodeURIComponent('a b/c?&=\\xc3\\xa9')"), 'a%20b%2Fc%3F%26%3D%33%19');
  });

  it('round-trips printable ASCII through encodeURIComponent/decodeURIComponent (property)', function () {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~') }), (text) => {
      ctx.global.sample = text;
      return ctx.run('decodeURIComponent(encodeURIComponent(sample))') === text;
    }));
  });

  it('gives errors no name but an Espruino-style toString, and has InternalError', function () {
    assert.strictEqual(ctx.run("var e = new TypeError('t'); [typeof e.name, String(e), e.message].join('|')"),
      'undefined|TypeError: t|t');
    assert.strictEqual(ctx.run("String(new InternalError('x'))"), 'InternalError: x');
  });

  it('runs "use strict" code with sloppy semantics, as Espruino ignores the directive', function () {
    assert.strictEqual(ctx.run('"use strict";\nfunction f() { return typeof this; } f()'), 'object');
  });

  it('formats url.parse like Espruino (fragment kept in search, first repeated key wins)', function () {
    const parsed = ctx.run("url.parse('http://u:p@host:8080/a/b?x=1&y=%20z&x=2#frag', true)");
    assert.deepStrictEqual(JSON.parse(JSON.stringify(parsed)), {
      protocol: 'http:', method: 'GET', host: 'u:p@host', path: '/a/b?x=1&y=%20z&x=2#frag', pathname: '/a/b',
      search: '?x=1&y=%20z&x=2#frag', port: 8080, query: { x: '1', y: ' z' },
    });
    assert.deepStrictEqual(JSON.parse(JSON.stringify(ctx.run("url.parse('/p?q=1')"))),
      { method: 'GET', host: '', path: '/p?q=1', pathname: '/p', search: '?q=1', port: null, query: 'q=1' });
  });

  it('never throws from url.parse, whatever the string (property)', function () {
    fc.assert(fc.property(fc.string(), (text) => {
      ctx.global.sample = text;
      return typeof ctx.run('url.parse(sample, true).pathname') === 'string';
    }));
  });

  it('builds binary strings with E.toString and bytes with E.toUint8Array', function () {
    assert.strictEqual(ctx.run("E.toString('a', 66, [67, 68], new Uint8Array([69]), 300, {data: 'xy', count: 2})"),
      'aBCDE,xyxy');
    assert.deepStrictEqual(Array.from(ctx.run("E.toUint8Array('ab', [1, 2], 3)")), [97, 98, 1, 2, 3]);
    assert.strictEqual(ctx.run("E.toArrayBuffer('\\xff\\x01').byteLength"), 2);
  });

  it('estimates E.getSizeOf in vars like the board ({a:"hello world",b:[1,2,3]} -> 8)', function () {
    assert.strictEqual(ctx.run("E.getSizeOf({a: 'hello world', b: [1, 2, 3]})"), 8);
    assert.strictEqual(ctx.run("E.getSizeOf('x'.repeat(120))"), 10);
  });

  it('encodes binary strings, typed arrays and ArrayBuffers with btoa, and decodes with atob', function () {
    assert.strictEqual(ctx.run("btoa('\\xff\\x00a') + btoa(new Uint8Array([255, 0, 97])) + btoa(new Uint8Array([255, 0, 97]).buffer)"),
      '/wBh/wBh/wBh');
    assert.strictEqual(ctx.run("atob('/wBh')"), '\xff\x00a');
  });

  it('computes crypto.SHA1 as a 20-byte ArrayBuffer (the RFC 6455 accept key)', function () {
    const accept = ctx.run(`var key = 'dGhlIHNhbXBsZSBub25jZQ==' + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
      var digest = require('crypto').SHA1(key); [digest.byteLength, btoa(digest)].join(' ')`);
    assert.strictEqual(accept, '20 s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    const sha256 = crypto.createHash('sha256').update(Buffer.from('abc')).digest('base64');
    assert.strictEqual(ctx.run("btoa(require('crypto').SHA256('abc'))"), sha256);
  });

  it('reports process.memory like Espruino, with free forced by setFreeVars', function () {
    const memory = ctx.run('process.memory()');
    assert.deepStrictEqual(Object.keys(memory), ['free', 'usage', 'total', 'history', 'gc', 'gctime', 'blocksize']);
    assert.strictEqual(memory.total, 16383);
    assert.strictEqual(memory.free + memory.usage, memory.total);
    assert.deepStrictEqual(Object.keys(ctx.run('process.memory(false)')), ['free', 'usage', 'total', 'history', 'blocksize']);
    ctx.setFreeVars(42);
    assert.strictEqual(ctx.run('process.memory().free'), 42);
    assert.strictEqual(ctx.run('process.memory().usage'), 16383 - 42);
    ctx.setFreeVars(null);
    assert.ok(ctx.run('process.memory().free') > 15000);
    assert.strictEqual(ctx.run('process.env.BOARD'), 'NODE_SHIM');
  });

  it('sends console.log and print output to the log option', function () {
    ctx.run("console.log('a', 1, {b: 2}, [3], undefined); print('p')");
    assert.deepStrictEqual(lines, ['a 1 {"b":2} [3] undefined', 'p']);
  });
});

describe('shim timers', function () {
  let ctx;
  let lines;
  beforeEach(function () {
    lines = [];
    ctx = createEspruinoContext({ log: (line) => lines.push(line) });
  });
  afterEach(async function () {
    await ctx.close();
  });

  it('throws on clearTimeout(undefined) and clearInterval(undefined), as Espruino does', function () {
    assert.strictEqual(ctx.run("try { clearTimeout(undefined); 'no throw' } catch (e) { e.message }"),
      'clearTimeout(undefined) not allowed. Use clearTimeout() instead');
    assert.strictEqual(ctx.run("try { clearInterval(undefined); 'no throw' } catch (e) { e.message }"),
      'clearInterval(undefined) not allowed. Use clearInterval() instead');
  });

  it('ignores unknown numeric ids and returns numeric ids, reusing freed ones as Espruino does', async function () {
    assert.strictEqual(ctx.run('clearTimeout(12345); typeof setTimeout(function () {}, 1)'), 'number');
    assert.deepStrictEqual(Array.from(ctx.run('[setTimeout(function () {}, 5), setInterval(function () {}, 5)]')), [2, 3]);
    ctx.run('clearTimeout(); var fresh = setTimeout(function () {}, 5);');
    assert.strictEqual(ctx.global.fresh, 1);
  });

  it('passes extra arguments to callbacks and runs intervals until cleared', async function () {
    ctx.run(`var got = []; setTimeout(function (a, b) { got.push(a + b); }, 1, 'A', 'B');
      var n = 0; var id = setInterval(function () { if (++n === 3) clearInterval(id); }, 2);`);
    await wait(40);
    assert.deepStrictEqual(Array.from(ctx.global.got), ['AB']);
    assert.strictEqual(ctx.global.n, 3);
  });

  it('logs and records an error thrown by a callback, then carries on', async function () {
    ctx.run("setTimeout(function () { throw new Error('boom'); }, 1); setTimeout(function () { print('alive'); }, 10);");
    await wait(40);
    assert.deepStrictEqual(lines, ['Uncaught Error: boom', 'alive']);
    assert.strictEqual(ctx.uncaught.length, 1);
    assert.strictEqual(ctx.uncaught[0].message, 'boom');
  });

  it("lets process.on('uncaughtException') handle callback errors instead", async function () {
    ctx.run("process.on('uncaughtException', function (e) { print('handled ' + e.message); });" +
      "setTimeout(function () { throw new Error('x'); }, 1);");
    await wait(20);
    assert.deepStrictEqual(lines, ['handled x']);
    assert.strictEqual(ctx.uncaught.length, 0);
  });
});

describe('shim events (Object.prototype.on/emit)', function () {
  let ctx;
  beforeEach(function () {
    ctx = createEspruinoContext({ log: () => {} });
  });
  afterEach(async function () {
    await ctx.close();
  });

  it('runs emit() listeners later, never inside the emit call', async function () {
    ctx.run("var o = {}, seen = []; o.on('x', function (a, b) { seen.push(a + b); }); o.emit('x', 1, 2); seen.push('after');");
    await wait(5);
    assert.deepStrictEqual(Array.from(ctx.global.seen), ['after', 3]);
  });

  it('calls the listeners present at emit time: one added after is skipped, one removed after is not called', async function () {
    ctx.run(`var seen = [], a = {}, b = {};
      a.emit('e'); a.on('e', function () { seen.push('late'); });
      function h() { seen.push('removed'); } b.on('e', h); b.emit('e'); b.removeListener('e', h);`);
    await wait(5);
    assert.deepStrictEqual(Array.from(ctx.global.seen), []);
  });

  it('has no once/off and removes all listeners of an event or of every event', function () {
    assert.strictEqual(ctx.run(`var o = {}; o.on('a', function () {}); o.on('b', function () {});
      var keys = Object.keys(o).join(); o.removeAllListeners('a'); var afterOne = Object.keys(o).join();
      o.removeAllListeners(); [typeof o.once, typeof o.off, keys, afterOne, Object.keys(o).length].join('|')`),
    'undefined|undefined|#ona,#onb|#onb|0');
  });

  it('reports a listener error as uncaught and still runs the other listeners', async function () {
    ctx.run("var o = {}, seen = []; o.on('e', function () { throw new Error('bad'); }); o.on('e', function () { seen.push('ok'); }); o.emit('e');");
    await wait(5);
    assert.deepStrictEqual(Array.from(ctx.global.seen), ['ok']);
    assert.strictEqual(ctx.uncaught.length, 1);
  });
});

describe('shim promises', function () {
  it('reports an unhandled rejection inside the context as uncaught instead of crashing Node', async function () {
    const lines = [];
    const listenersBefore = process.listenerCount('unhandledRejection');
    const ctx = createEspruinoContext({ log: (line) => lines.push(line) });
    ctx.run("Promise.reject(new Error('nobody listens'));");
    await wait(20);
    assert.deepStrictEqual(lines, ['Uncaught Error: nobody listens']);
    assert.strictEqual(ctx.uncaught.length, 1);
    await ctx.close();
    assert.strictEqual(process.listenerCount('unhandledRejection'), listenersBefore);
  });
});
