'use strict';
// Percent-decoding and -encoding by hand, as Espruino's own URI functions get UTF-8 wrong.

const assert = require('assert');
const fc = require('fast-check');
const { percentDecode, percentEncode, parseQuery } = require('../build/lib/core/http/url');

const { withEspruinoIndexOf } = require('./helpers/espruino-quirks');

describe('percentDecode', function () {
  const rows = [
    // [title, input, plusAsSpace, expected]
    ['leaves text without escapes unchanged', '/a/b.c', false, '/a/b.c'],
    ['decodes an ASCII escape', '/a%20b', false, '/a b'],
    ['decodes lower- and upper-case hex digits', '%2f%2F%3a', false, '//:'],
    ['decodes a 2-byte UTF-8 sequence (%C3%A9 -> é)', 'caf%C3%A9', false, 'caf\u00e9'],
    ['decodes a 3-byte UTF-8 sequence (€)', '%E2%82%AC', false, '\u20ac'],
    ['decodes a 4-byte UTF-8 sequence into a surrogate pair (😀)', '%F0%9F%98%80', false, '\ud83d\ude00'],
    ['keeps + literal in paths', '/a+b', false, '/a+b'],
    ['keeps + literal in a path that also has escapes', '/a+b%20c', false, '/a+b c'],
    ['turns + into a space in queries', 'a+b', true, 'a b'],
    ['keeps an encoded plus (%2B) a plus in queries', 'a%2Bb+c', true, 'a+b c'],
    ['decodes %00 to NUL (rejecting it is the caller\'s call)', '/a%00b', false, '/a\u0000b'],
    ['decodes an escaped percent sign once only', '%2541', false, '%41'],
    ['returns the empty string for the empty string', '', true, ''],
    ['returns null for a truncated escape (%4)', '/a%4', false, null],
    ['returns null for a % at the end', 'a%', true, null],
    ['returns null for non-hex digits (%zz)', '%zz', false, null],
    ['returns null for a half-hex escape (%4g)', '%4g', false, null],
    ['returns null for a signed escape (%+1), which parseInt would accept', '%+1', false, null],
    ['returns null for a lone continuation byte', '%80', false, null],
    ['returns null for a truncated UTF-8 sequence', '%C3', false, null],
    ['returns null for an overlong encoding (%C0%AF)', '%C0%AF', false, null],
    ['returns null for an encoded surrogate (%ED%A0%80)', '%ED%A0%80', false, null],
    ['returns null for raw bytes that are not UTF-8', 'a\xffb', false, null],
    ['decodes raw UTF-8 bytes left unescaped', 'caf\xc3\xa9', true, 'caf\u00e9']
  ];
  for (const [title, input, plusAsSpace, expected] of rows) {
    it(title, function () {
      assert.strictEqual(percentDecode(input, plusAsSpace), expected);
    });
  }

  it('gives the same results with Espruino\'s String.indexOf (emulated)', function () {
    for (const [title, input, plusAsSpace, expected] of rows) {
      assert.strictEqual(withEspruinoIndexOf(() => percentDecode(input, plusAsSpace)), expected, title);
    }
  });
});

describe('percentEncode', function () {
  it('keeps the unreserved characters', function () {
    const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
    assert.strictEqual(percentEncode(unreserved), unreserved);
  });

  it('escapes reserved characters and spaces with upper-case hex', function () {
    assert.strictEqual(percentEncode('a b/c?d=e&f+g%h#i'), 'a%20b%2Fc%3Fd%3De%26f%2Bg%25h%23i');
  });

  it('escapes control characters and NUL', function () {
    assert.strictEqual(percentEncode('\u0000\n\u007f'), '%00%0A%7F');
  });

  it('encodes non-ASCII text as UTF-8 bytes', function () {
    assert.strictEqual(percentEncode('\u00e9\u20ac\ud83d\ude00'), '%C3%A9%E2%82%AC%F0%9F%98%80');
  });

  it('matches encodeURIComponent, except that it also escapes !\'()* (property)', function () {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const expected = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
      assert.strictEqual(percentEncode(s), expected);
    }));
  });

  it('round-trips through percentDecode for paths (property, grapheme strings)', function () {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      assert.strictEqual(percentDecode(percentEncode(s), false), s);
    }), { numRuns: 500 });
  });

  it('round-trips through percentDecode for queries (property, any code point)', function () {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      assert.strictEqual(percentDecode(percentEncode(s), true), s);
    }), { numRuns: 500 });
  });
});

describe('parseQuery', function () {
  it('parses keys and values, + as space', function () {
    assert.deepStrictEqual(parseQuery('a=1&b=x+y&c&d='), { a: '1', b: 'x y', c: '', d: '' });
  });

  it('keeps the last value of a repeated key', function () {
    assert.deepStrictEqual(parseQuery('a=1&a=2&a=3'), { a: '3' });
  });

  it('keeps every = after the first in the value', function () {
    assert.deepStrictEqual(parseQuery('h=1=2'), { h: '1=2' });
  });

  it('decodes escaped keys and UTF-8 values', function () {
    assert.deepStrictEqual(parseQuery('na%6De=caf%C3%A9&%26=%3D'), { name: 'caf\u00e9', '&': '=' });
  });

  it('skips pairs whose key or value has a malformed escape', function () {
    assert.deepStrictEqual(parseQuery('a=%zz&b%4=1&c=ok&d=%C3'), { c: 'ok' });
  });

  it('skips empty pairs and empty keys', function () {
    assert.deepStrictEqual(parseQuery('&&a=1&=x&&b=2&'), { a: '1', b: '2' });
  });

  it('gives the same results with Espruino\'s String.indexOf (emulated)', function () {
    const qs = 'a=1&b=x+y&c&d=&h=1=2&%zz=q&e=%C3%A9&&=z';
    assert.deepStrictEqual(withEspruinoIndexOf(() => parseQuery(qs)), parseQuery(qs));
    assert.deepStrictEqual(parseQuery(qs), { a: '1', b: 'x y', c: '', d: '', h: '1=2', e: '\u00e9' });
  });

  it('returns an empty object for an empty string', function () {
    assert.deepStrictEqual(parseQuery(''), {});
  });

  it('skips __proto__ (plain or escaped), so the result keeps its prototype', function () {
    const result = parseQuery('__proto__=x&%5F%5Fproto%5F%5F=y&a=1');
    assert.deepStrictEqual(Object.keys(result), ['a']);
    assert.strictEqual(Object.getPrototypeOf(result), Object.prototype);
  });

  it('stores constructor and toString as ordinary own keys', function () {
    const result = parseQuery('constructor=c&toString=t');
    assert.strictEqual(result.constructor, 'c');
    assert.strictEqual(result.toString, 't');
    assert.deepStrictEqual(Object.keys(result), ['constructor', 'toString']);
  });

  it('decodes every value that encodeURIComponent-style encoding produced (property)', function () {
    const text = fc.string({ unit: 'grapheme', minLength: 1 }).filter((k) => k !== '__proto__');
    fc.assert(fc.property(fc.dictionary(text, fc.string({ unit: 'grapheme' })), (object) => {
      const qs = Object.keys(object).map((k) => percentEncode(k) + '=' + percentEncode(object[k])).join('&');
      const parsed = parseQuery(qs);
      assert.deepStrictEqual(Object.assign({}, parsed), Object.assign({}, object));
    }));
  });
});
