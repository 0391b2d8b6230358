'use strict';
// The shim's require('Storage'): flat byte-string names, flash write rules and StorageFile chunks,
// as the Linux build of Espruino 2v29 behaves.
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const fc = require('fast-check');
const { createEspruinoContext } = require('../shim');

describe('shim Storage', function () {
  let ctx;
  let storageDir;
  beforeEach(function () {
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-storage-test-'));
    ctx = createEspruinoContext({ storageDir, log: () => {} });
    ctx.run("var S = require('Storage');");
  });
  afterEach(async function () {
    await ctx.close();
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  it("round-trips binary data under names containing '/' and other odd characters", function () {
    ctx.run("S.write('www/index.html', '\\x00\\xff<p>'); S.write('a b%c', 'x');");
    assert.strictEqual(ctx.run("S.read('www/index.html')"), '\x00\xff<p>');
    assert.strictEqual(ctx.run("S.read('a b%c')"), 'x');
    assert.deepStrictEqual(Array.from(ctx.run('S.list()')), ['a b%c', 'www/index.html']);
    assert.strictEqual(ctx.run("S.read('missing')"), undefined);
  });

  it('keeps names to 28 bytes by cutting them silently, as flash does', function () {
    const long = 'abcdefghijklmnopqrstuvwxyz0123456789';
    ctx.global.long = long;
    assert.strictEqual(ctx.run("S.write(long, 'v')"), true);
    assert.deepStrictEqual(Array.from(ctx.run('S.list()')), [long.slice(0, 28)]);
    assert.strictEqual(ctx.run("S.read('" + long.slice(0, 28) + "')"), 'v');
    assert.strictEqual(ctx.run('S.read(long)'), 'v');
  });

  it('reads a slice with offset and length, clipped to the file', function () {
    ctx.run("S.write('f', 'hello');");
    assert.deepStrictEqual([ctx.run("S.read('f', 2)"), ctx.run("S.read('f', 0, 2)"), ctx.run("S.read('f', 1, 100)"),
      ctx.run("S.read('f', 10)")], ['llo', 'he', 'ello', '']);
  });

  it('creates a sized file filled with 0xFF and fills it by writes at offsets', function () {
    ctx.run("S.write('a', 'Hello', 0, 14);");
    assert.strictEqual(ctx.run("S.read('a')"), 'Hello' + '\xff'.repeat(9));
    ctx.run("S.write('a', ' ', 5); S.write('a', 'World!!!', 6);");
    assert.strictEqual(ctx.run("S.read('a')"), 'Hello World!!!');
    ctx.run("S.write('a', ' ', 0);");
    assert.strictEqual(ctx.run("S.read('a')"), ' ');
  });

  it('refuses flash-impossible writes with the board\'s error messages', function () {
    ctx.run("S.write('b', '12345');");
    const attempt = (code) => ctx.run('try { ' + code + "; 'ok' } catch (e) { e.message }");
    assert.strictEqual(attempt("S.write('b', '34', 2)"), 'File already written with different data');
    assert.strictEqual(attempt("S.write('c', 'abc', 3)"), 'Unable to find or create file');
    assert.strictEqual(attempt("S.write('d', 'ab', 0, 4); S.write('d', 'cdef', 2)"), 'Too much data for file size');
    assert.strictEqual(attempt("S.write('e', '')"), "Can't create zero length file");
  });

  it('writes objects as JSON, arrays and typed arrays as bytes; readJSON and readArrayBuffer read them back', function () {
    ctx.run("S.write('o', {a: 1}); S.write('arr', [65, 66]); S.write('u8', new Uint8Array([0, 255]));");
    assert.deepStrictEqual([ctx.run("S.read('o')"), ctx.run("S.read('arr')"), ctx.run("S.read('u8')")],
      ['{"a":1}', 'AB', '\x00\xff']);
    assert.strictEqual(ctx.run("S.readJSON('o').a"), 1);
    assert.strictEqual(ctx.run("S.readJSON('missing')"), undefined);
    assert.strictEqual(ctx.run("S.readJSON('arr', true)"), undefined);
    assert.strictEqual(ctx.run("try { S.readJSON('arr'); 'ok' } catch (e) { 'threw' }"), 'threw');
    assert.deepStrictEqual(Array.from(ctx.run("new Uint8Array(S.readArrayBuffer('u8'))")), [0, 255]);
  });

  it('erases files and filters list() by RegExp, string and StorageFile flag', function () {
    ctx.run("S.write('x.js', '1'); S.write('y.json', '2'); S.open('log', 'w').write('l'); S.erase('nothing');");
    assert.deepStrictEqual(Array.from(ctx.run('S.list(/\\.js$/)')), ['x.js']);
    assert.deepStrictEqual(Array.from(ctx.run("S.list('json')")), ['y.json']);
    assert.deepStrictEqual(Array.from(ctx.run('S.list(undefined, {sf: true})')), ['log\x01']);
    assert.deepStrictEqual(Array.from(ctx.run('S.list(undefined, {sf: false})')), ['x.js', 'y.json']);
    ctx.run("S.erase('x.js');");
    assert.deepStrictEqual(Array.from(ctx.run('S.list(undefined, {sf: false})')), ['y.json']);
  });

  it('counts getFree() down from the configured size (32-byte header, 4-byte aligned)', async function () {
    await ctx.close();
    ctx = createEspruinoContext({ storageDir, storageSize: 1000, log: () => {} });
    ctx.run("var S = require('Storage');");
    assert.strictEqual(ctx.run('S.getFree()'), 1000);
    ctx.run("S.write('f', 'abcde');");
    assert.strictEqual(ctx.run('S.getFree()'), 1000 - 32 - 8);
    assert.strictEqual(ctx.run("try { S.write('big', 'x'.repeat(2000)); 'ok' } catch (e) { e.message }"),
      'Unable to find or create file');
  });

  it('reads a StorageFile back by length and by line, undefined at the end', function () {
    ctx.run("var f = S.open('log', 'w'); f.write('line1\\nline2\\n');");
    ctx.run("var r = S.open('log', 'r');");
    assert.deepStrictEqual([ctx.run('r.readLine()'), ctx.run('r.read(3)'), ctx.run('r.read(10)'), ctx.run('r.read(1)'),
      ctx.run('r.readLine()')], ['line1\n', 'lin', 'e2\n', undefined, undefined]);
    assert.strictEqual(ctx.run('r.getLength()'), 12);
    assert.strictEqual(ctx.run("try { r.write('x'); 'ok' } catch (e) { e.message }"), "Can't write in this mode");
    assert.strictEqual(ctx.run("try { S.open('log', 'x'); 'ok' } catch (e) { e.message }"), 'Invalid mode "x"');
  });

  it('appends with mode "a", spills into numbered chunks, and erases every chunk', async function () {
    await ctx.close();
    ctx = createEspruinoContext({ storageDir, storageFileChunkSize: 8, log: () => {} });
    ctx.run("var S = require('Storage'); S.open('lg', 'w').write('abcde'); S.open('lg', 'a').write('fghijkl');");
    assert.deepStrictEqual(Array.from(ctx.run('S.list()')), ['lg\x01', 'lg\x02']);
    assert.strictEqual(ctx.run("S.open('lg', 'r').read(100)"), 'abcdefghijkl');
    assert.strictEqual(ctx.run("S.open('lg', 'r').getLength()"), 12);
    ctx.run("S.open('lg', 'r').erase();");
    assert.deepStrictEqual(Array.from(ctx.run('S.list()')), []);
  });

  it('keeps StorageFile data intact across chunk boundaries (property)', async function () {
    await ctx.close();
    ctx = createEspruinoContext({ storageDir, storageFileChunkSize: 16, log: () => {} });
    ctx.run("var S = require('Storage');");
    const byteWithoutFF = fc.integer({ min: 0, max: 254 }).map((code) => String.fromCharCode(code));
    fc.assert(fc.property(fc.array(fc.string({ unit: byteWithoutFF, minLength: 1, maxLength: 40 }), { maxLength: 8 }),
      (pieces) => {
        ctx.global.pieces = pieces;
        ctx.run("var w = S.open('p', 'w'); for (var i = 0; i < pieces.length; i++) w.write(pieces[i]);");
        const expected = pieces.join('');
        const read = ctx.run("S.open('p', 'r').read(100000)");
        return (expected === '' ? read === undefined : read === expected) &&
          ctx.run("S.open('p', 'r').getLength()") === expected.length;
      }), { numRuns: 60 });
  });

  it('round-trips any name of up to 28 bytes through write, list and read (property)', function () {
    const byte = fc.integer({ min: 1, max: 255 }).map((code) => String.fromCharCode(code));
    fc.assert(fc.property(fc.string({ unit: byte, minLength: 1, maxLength: 28 }), (name) => {
      ctx.global.name = name;
      ctx.run("S.eraseAll(); S.write(name, 'v');");
      return ctx.run('S.list()')[0] === name && ctx.run('S.read(name)') === 'v';
    }), { numRuns: 60 });
  });

  it('makes a Storage file loadable as a module by require()', function () {
    ctx.run("S.write('greet', 'exports.hello = function (n) { return \"hi \" + n; };');");
    assert.strictEqual(ctx.run("require('greet').hello('board')"), 'hi board');
    assert.ok(Array.from(ctx.run('Modules.getCached()')).includes('greet'));
  });
});
