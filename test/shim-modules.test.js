'use strict';
// The shim's require()/Modules and require('fs') with E.openFile, as Espruino 2v29 behaves.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createEspruinoContext } = require('../shim');

describe('shim require and Modules', function () {
  let ctx;
  beforeEach(function () {
    ctx = createEspruinoContext({ log: () => {} });
  });
  afterEach(async function () {
    await ctx.close();
  });

  it('evaluates the body of a function given to Modules.addCached, with module.exports replacing exports', function () {
    ctx.run("Modules.addCached('m', function () { var secret = 41; module.exports = { answer: function () { return secret + 1; } }; });");
    assert.strictEqual(ctx.run("require('m').answer()"), 42);
    assert.strictEqual(ctx.run('typeof secret'), 'undefined');
    assert.strictEqual(ctx.run("require('m') === require('m')"), true);
  });

  it('evaluates string modules with this === exports, and addModule/require work from outside', function () {
    ctx.addModule('s', 'exports.self = this === exports; exports.n = 7;');
    assert.strictEqual(ctx.require('s').n, 7);
    assert.strictEqual(ctx.run("require('s').self"), true);
  });

  it('evaluates a cached module at once and lists built-ins once required', function () {
    ctx.run("var order = []; Modules.addCached('eager', 'order.push(1);'); order.push(2); require('fs');");
    assert.deepStrictEqual(Array.from(ctx.global.order), [1, 2]);
    assert.deepStrictEqual(Array.from(ctx.run('Modules.getCached()')), ['eager', 'fs']);
    ctx.run("Modules.removeCached('eager');");
    assert.deepStrictEqual(Array.from(ctx.run('Modules.getCached()')), ['fs']);
  });

  it('throws Error(\'Module "x" not found\') for unknown modules and unknown removeCached ids', function () {
    assert.strictEqual(ctx.run("try { require('nosuch'); 'ok' } catch (e) { e.message }"), 'Module "nosuch" not found');
    assert.strictEqual(ctx.run("try { Modules.removeCached('nosuch'); 'ok' } catch (e) { e.message }"),
      'Module "nosuch" not found');
    assert.strictEqual(ctx.run("try { require('ws'); 'ok' } catch (e) { e.message }"), 'Module "ws" not found');
  });

  it('provides net, tls, crypto, Storage and fs as the same object on every require', function () {
    assert.strictEqual(ctx.run(`['net', 'tls', 'crypto', 'Storage', 'fs'].every(function (n) {
      return require(n) === require(n) && typeof require(n) === 'object'; })`), true);
    assert.strictEqual(ctx.run("typeof require('net').createServer + typeof require('tls').createServer"), 'functionfunction');
    assert.strictEqual(ctx.run("try { require('http'); 'ok' } catch (e) { e.message }"), 'Module "http" not found');
  });

  it('keeps what a throwing module exported so far, and rethrows', function () {
    assert.strictEqual(ctx.run("try { Modules.addCached('bad', 'exports.a = 1; throw new Error(\"mid\");'); } catch (e) { e.message }"), 'mid');
    assert.strictEqual(ctx.run("require('bad').a"), 1);
  });
});

describe('shim fs and E.openFile', function () {
  let ctx;
  let root;
  beforeEach(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-fs-test-'));
    fs.mkdirSync(path.join(root, 'www'));
    fs.writeFileSync(path.join(root, 'www', 'f.txt'), 'hello');
    ctx = createEspruinoContext({ fsRoot: root, log: () => {} });
    ctx.run("var fs = require('fs');");
  });
  afterEach(async function () {
    await ctx.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('returns statSync as {size, dir, mtime: Date} and undefined for a missing path', function () {
    const stat = ctx.run("fs.statSync('www/f.txt')");
    assert.deepStrictEqual(Object.keys(stat), ['size', 'dir', 'mtime']);
    assert.strictEqual(stat.size, 5);
    assert.strictEqual(stat.dir, false);
    assert.strictEqual(ctx.run("fs.statSync('www/f.txt').mtime instanceof Date"), true);
    assert.strictEqual(stat.mtime.getTime() % 1000, 0);
    assert.strictEqual(ctx.run("fs.statSync('www').dir"), true);
    assert.strictEqual(ctx.run("fs.statSync('nope')"), undefined);
  });

  it('reads files as binary strings and throws for missing ones; a directory reads as undefined', function () {
    fs.writeFileSync(path.join(root, 'bin'), Buffer.from([0, 0xff, 0x41]));
    assert.strictEqual(ctx.run("fs.readFileSync('bin')"), '\x00\xffA');
    assert.strictEqual(ctx.run("fs.readFile('/www/f.txt')"), 'hello');
    assert.strictEqual(ctx.run("try { fs.readFileSync('nope'); 'ok' } catch (e) { e.message }"), 'Could not open file : UNKNOWN');
    assert.strictEqual(ctx.run("fs.readFileSync('www')"), undefined);
  });

  it("lists a directory with '.' and '..' (as the Linux build), undefined when missing", function () {
    assert.deepStrictEqual(Array.from(ctx.run("fs.readdirSync('www')")), ['f.txt', '.', '..']);
    assert.strictEqual(ctx.run("fs.readdirSync('nope')"), undefined);
  });

  it('writes, appends, unlinks and makes directories with Espruino\'s return values', function () {
    assert.strictEqual(ctx.run("fs.writeFileSync('w.txt', 'abc')"), true);
    assert.strictEqual(ctx.run("fs.appendFileSync('w.txt', '\\xff')"), true);
    assert.deepStrictEqual(fs.readFileSync(path.join(root, 'w.txt')), Buffer.from([0x61, 0x62, 0x63, 0xff]));
    assert.strictEqual(ctx.run("fs.writeFileSync('e.txt', '')"), false);
    assert.strictEqual(ctx.run("fs.unlinkSync('w.txt')"), true);
    assert.strictEqual(ctx.run("try { fs.unlinkSync('w.txt'); 'ok' } catch (e) { e.message }"), 'Unable to delete file : UNKNOWN');
    assert.strictEqual(ctx.run("fs.mkdirSync('sub')"), true);
    assert.strictEqual(ctx.run("try { fs.mkdirSync('sub'); 'ok' } catch (e) { e.message }"), 'Unable to create the directory : UNKNOWN');
    assert.strictEqual(ctx.run('typeof fs.existsSync'), 'undefined');
  });

  it('reads a File from E.openFile in pieces, undefined at the end, and honours skip/seek', function () {
    ctx.run("var f = E.openFile('www/f.txt', 'r');");
    assert.deepStrictEqual([ctx.run('f.read(3)'), ctx.run('f.read(3)'), ctx.run('f.read(3)')], ['hel', 'lo', undefined]);
    ctx.run('f.seek(1); f.skip(1);');
    assert.strictEqual(ctx.run('f.read(2)'), 'll');
    ctx.run('f.close();');
    assert.strictEqual(ctx.run('f.read(1)'), undefined);
    assert.strictEqual(ctx.run("try { E.openFile('nope', 'r'); 'ok' } catch (e) { e.message }"), 'Could not open file : UNKNOWN');
    assert.strictEqual(ctx.run("var w = E.openFile('n.bin', 'w'); var n = w.write('ab\\xff'); w.close(); n"), 3);
    assert.strictEqual(ctx.run("fs.readFileSync('n.bin')"), 'ab\xff');
  });
});
