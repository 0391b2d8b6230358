// Small HTTP helpers: dates, status table, Espruino-safe string search, HTML escaping, UTF-8.
'use strict';

const assert = require('assert');
const fc = require('fast-check');
const { formatHttpDate } = require('../build/lib/parts/http/httpDate');
const { parseHttpDate } = require('../build/lib/parts/files/httpDate');
const { reasonPhrase, statusHasNoContent, statusPage } = require('../build/lib/parts/http/status');
const { findString } = require('../build/lib/core/text/strings');
const { utf8Encode, utf8Decode, isValidUtf8 } = require('../build/lib/core/text/utf8');
const { withEspruinoIndexOf } = require('./helpers/espruino-quirks');

describe('HTTP dates', () => {
  it('formats IMF-fixdate with a padded day', () => {
    assert.strictEqual(formatHttpDate(Date.UTC(1994, 10, 6, 8, 49, 37)), 'Sun, 06 Nov 1994 08:49:37 GMT');
    assert.strictEqual(formatHttpDate(0), 'Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('formats as Node\'s toUTCString does (padded), for any date from 1900 to 2200', () => {
    fc.assert(fc.property(fc.integer({ min: -2208988800000, max: 7258118400000 }), (ms) => {
      assert.strictEqual(formatHttpDate(ms), new Date(ms).toUTCString());
    }));
  });

  it('uses no Date getter (the 2v29 release has no getUTC*; local ones follow E.setTimeZone)', () => {
    const getters = Object.getOwnPropertyNames(Date.prototype).filter((name) => /^get/.test(name) && name !== 'getTime');
    const saved = getters.map((name) => Date.prototype[name]);
    getters.forEach((name) => { Date.prototype[name] = () => { throw new Error(name + ' called'); }; });
    try {
      assert.strictEqual(formatHttpDate(784111777000), 'Sun, 06 Nov 1994 08:49:37 GMT');
    } finally {
      getters.forEach((name, i) => { Date.prototype[name] = saved[i]; });
    }
  });

  it('parses what it formats, for any date from 1970 to 2200', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 7258118400 }), (seconds) => {
      return parseHttpDate(formatHttpDate(seconds * 1000)) === seconds * 1000;
    }));
  });

  it('gives NaN for other formats', () => {
    assert.ok(Number.isNaN(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')));
    assert.ok(Number.isNaN(parseHttpDate('garbage')));
  });
});

describe('status codes', () => {
  it('uses RFC 9110 reason phrases', () => {
    assert.strictEqual(reasonPhrase(413), 'Content Too Large');
    assert.strictEqual(reasonPhrase(414), 'URI Too Long');
    assert.strictEqual(reasonPhrase(431), 'Request Header Fields Too Large');
    assert.strictEqual(reasonPhrase(799), 'Unknown Reason');
  });

  it('gives the core\'s raw 503 and 500 (sent without the HTTP part) the pages and reasons Return() sends', () => {
    const { serviceUnavailableResponse, internalErrorResponse } = require('../build/lib/core/http/refusal');
    for (const [code, raw] of [[503, serviceUnavailableResponse()], [500, internalErrorResponse()]]) {
      const [head, body] = raw.split('\r\n\r\n');
      assert.strictEqual(head.split('\r\n')[0], 'HTTP/1.1 ' + code + ' ' + reasonPhrase(code));
      assert.strictEqual(body, statusPage(code));
      assert.match(head, new RegExp('\r\nContent-Length: ' + statusPage(code).length + '(\r\n|$)'));
      assert.match(head, /\r\nConnection: close(\r\n|$)/);
    }
    assert.match(serviceUnavailableResponse(), /\r\nRetry-After: 1\r\n/);
  });

  it('knows which statuses never carry content', () => {
    assert.deepStrictEqual([100, 101, 199, 200, 204, 304, 404].map(statusHasNoContent), [true, true, true, false, true, true, false]);
  });

  it('builds the status page with its code and reason', () => {
    assert.match(statusPage(404), /<h2>MicroWebSrv2 - \[404\] Not Found<\/h2>The requested resource was not found\./);
  });
});

describe('findString (Espruino-safe indexOf)', () => {
  it('agrees with a correct indexOf even when indexOf has the Espruino bug', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ minLength: 1, maxLength: 4 }), (text, needle) => {
      const expected = text.indexOf(needle);
      return withEspruinoIndexOf(() => findString(text, needle) === expected);
    }));
  });
});

describe('UTF-8', () => {
  it('encodes like Node and decodes back, for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const bytes = utf8Encode(text);
      return Buffer.from(bytes, 'latin1').equals(Buffer.from(text, 'utf8')) && utf8Decode(bytes) === text;
    }));
  });

  it('rejects overlong forms, surrogates, truncated sequences and code points above U+10FFFF', () => {
    for (const bad of ['\xc0\x80', '\xed\xa0\x80', '\xe2\x82', '\xf4\x90\x80\x80', '\xff', '\x80']) {
      assert.strictEqual(utf8Decode(bad), null, JSON.stringify(bad));
      assert.strictEqual(isValidUtf8(bad), false);
    }
  });

  it('agrees with Node\'s strict decoder on arbitrary bytes', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 16 }), (bytes) => {
      let expected;
      try { expected = decoder.decode(bytes); } catch (e) { expected = null; }
      return utf8Decode(Buffer.from(bytes).toString('latin1')) === expected;
    }), { numRuns: 2000 });
  });
});
