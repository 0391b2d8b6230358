// The transport-free pieces of file serving, on the compiled code: Range parsing, Accept-Encoding,
// entity-tag lists and preconditions, CRC-32 continued across slices, and path checks.
'use strict';

const assert = require('assert');
const zlib = require('zlib');
const fc = require('fast-check');
const { parseRange } = require('../build/lib/parts/files/ranges');
const { acceptsGzip } = require('../build/lib/parts/files/negotiation');
const { tagListMatches, preconditionStatus, ifRangeAllows } = require('../build/lib/parts/files/conditional');
const { crc32Prefix, crc32Continue } = require('../build/lib/parts/files/crc32');
const { isEscapingPath } = require('../build/lib/parts/files/FileBackend');
const { physicalPathFor, isSafeUrlPath } = require('../build/lib/parts/files/StaticFiles');
const { mimeTypeFromFilename } = require('../build/lib/parts/files/mime');
const { addMimeType, addedMimeTypes } = require('../build/lib/core/files/registry');

function fakeRequest(headers, method = 'GET') {
  const lower = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return { Method: method, GetHeader: (name) => lower[name] || '' };
}

describe('files: Range parsing (RFC 9110 §14.1.2)', () => {
  it('parses the three single-range forms and cuts an end past the last byte', () => {
    assert.deepStrictEqual(parseRange('bytes=0-0', 10), { start: 0, end: 0, satisfiable: true });
    assert.deepStrictEqual(parseRange('bytes=2-', 10), { start: 2, end: 9, satisfiable: true });
    assert.deepStrictEqual(parseRange('bytes=-3', 10), { start: 7, end: 9, satisfiable: true });
    assert.deepStrictEqual(parseRange('bytes=5-500', 10), { start: 5, end: 9, satisfiable: true });
    assert.deepStrictEqual(parseRange('bytes=-500', 10), { start: 0, end: 9, satisfiable: true });
  });

  it('reports unsatisfiable ranges and ignores malformed or multiple ones', () => {
    assert.strictEqual(parseRange('bytes=10-', 10).satisfiable, false);
    assert.strictEqual(parseRange('bytes=-0', 10).satisfiable, false);
    assert.strictEqual(parseRange('bytes=0-', 0).satisfiable, false);
    for (const header of ['', 'bytes', 'bytes=', 'bytes=-', 'bytes=a-b', 'bytes=5-4', 'bytes=1-2,4-5', 'pages=1-2', 'bytes=+1-2', 'bytes=1.5-2']) {
      assert.strictEqual(parseRange(header, 10), null, header);
    }
  });

  it('agrees with a reference model on every single range of digits (property)', () => {
    const model = (first, last, size) => {
      if (first === null) {
        if (last === 0 || size === 0) return 'unsatisfiable';
        return [Math.max(0, size - last), size - 1];
      }
      if (last !== null && last < first) return null;
      if (first >= size) return 'unsatisfiable';
      return [first, last === null ? size - 1 : Math.min(last, size - 1)];
    };
    fc.assert(fc.property(
      fc.option(fc.nat(2000), { nil: null }), fc.option(fc.nat(2000), { nil: null }), fc.nat(1500),
      (first, last, size) => {
        fc.pre(first !== null || last !== null);
        const header = `bytes=${first === null ? '' : first}-${last === null ? '' : last}`;
        const expected = model(first, last, size);
        const got = parseRange(header, size);
        if (expected === null) return got === null;
        if (expected === 'unsatisfiable') return got !== null && got.satisfiable === false;
        return got !== null && got.satisfiable && got.start === expected[0] && got.end === expected[1];
      }), { numRuns: 2000 });
  });
});

describe('files: Accept-Encoding and gzip', () => {
  it('accepts gzip when listed with q > 0, or through * when gzip is not listed', () => {
    for (const header of ['gzip', 'gzip, deflate, br', 'deflate;q=0.5, GZIP;q=0.001', 'x-gzip', '*', 'br, *;q=0.1', ' gzip ; q=1.0 ']) {
      assert.strictEqual(acceptsGzip(header), true, header);
    }
  });

  it('refuses gzip for q=0, for other codings only, and without the header', () => {
    for (const header of ['', 'identity', 'br, deflate', 'gzip;q=0', 'gzip;q=0.000', 'gzip; q=0, *', '*;q=0', 'gzipx']) {
      assert.strictEqual(acceptsGzip(header), false, header);
    }
  });
});

describe('files: entity tags and preconditions (RFC 9110 §13)', () => {
  it('matches entity-tag lists weakly or strongly, tags may hold commas', () => {
    assert.strictEqual(tagListMatches('"a", "b,c"', '"b,c"', true), true);
    assert.strictEqual(tagListMatches('W/"x"', '"x"', false), true);
    assert.strictEqual(tagListMatches('W/"x"', '"x"', true), false);
    assert.strictEqual(tagListMatches('"x"', 'W/"x"', false), true);
    assert.strictEqual(tagListMatches('"x"', 'W/"x"', true), false);
    assert.strictEqual(tagListMatches('x', '"x"', false), false);
    assert.strictEqual(tagListMatches('"x', '"x"', false), false);
    assert.strictEqual(tagListMatches('"x"', null, false), false);
  });

  it('orders the preconditions as §13.2.2: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since', () => {
    const mtime = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    const at = 'Tue, 02 Jan 2024 03:04:05 GMT';
    const before = 'Mon, 01 Jan 2024 00:00:00 GMT';
    const status = (headers, method) => preconditionStatus(fakeRequest(headers, method), '"t"', mtime);
    assert.strictEqual(status({}), 0);
    assert.strictEqual(status({ 'If-Match': '"u"', 'If-None-Match': '"t"' }), 412);
    assert.strictEqual(status({ 'If-Match': '"t"', 'If-None-Match': '"t"' }), 304);
    assert.strictEqual(status({ 'If-Unmodified-Since': before }), 412);
    assert.strictEqual(status({ 'If-Unmodified-Since': at }), 0);
    assert.strictEqual(status({ 'If-None-Match': '"t"' }, 'POST'), 412);
    assert.strictEqual(status({ 'If-None-Match': '"u"', 'If-Modified-Since': at }), 0);
    assert.strictEqual(status({ 'If-Modified-Since': at }), 304);
    assert.strictEqual(status({ 'If-Modified-Since': at }, 'POST'), 0);
    assert.strictEqual(status({ 'If-Modified-Since': before }), 0);
    assert.strictEqual(preconditionStatus(fakeRequest({ 'If-Modified-Since': at }), '"t"', 0), 0);
  });

  it('lets If-Range through only for the same strong tag or the exact date', () => {
    const mtime = Date.UTC(2024, 0, 2, 3, 4, 5);
    assert.strictEqual(ifRangeAllows(fakeRequest({}), 'W/"t"', mtime), true);
    assert.strictEqual(ifRangeAllows(fakeRequest({ 'If-Range': '"t"' }), '"t"', mtime), true);
    assert.strictEqual(ifRangeAllows(fakeRequest({ 'If-Range': 'W/"t"' }), 'W/"t"', mtime), false);
    assert.strictEqual(ifRangeAllows(fakeRequest({ 'If-Range': '"u"' }), '"t"', mtime), false);
    assert.strictEqual(ifRangeAllows(fakeRequest({ 'If-Range': 'Tue, 02 Jan 2024 03:04:05 GMT' }), '"t"', mtime), true);
    assert.strictEqual(ifRangeAllows(fakeRequest({ 'If-Range': 'Tue, 02 Jan 2024 03:04:06 GMT' }), '"t"', mtime), false);
    assert.strictEqual(ifRangeAllows(fakeRequest({ 'If-Range': 'nonsense' }), '"t"', mtime), false);
  });
});

describe('files: CRC-32 continued over slices (crc32.ts)', () => {
  before(() => {
    // Espruino's E.CRC32 is zlib's CRC-32 of the bytes of a binary string.
    global.E = { CRC32: (data) => zlib.crc32(Buffer.from(data, 'latin1')) };
  });
  after(() => { delete global.E; });

  it('steers a fresh register to the state after any data', () => {
    for (const text of ['a', 'hello', '\xff\x00\x80 binary']) {
      const crc = zlib.crc32(Buffer.from(text, 'latin1'));
      assert.strictEqual(zlib.crc32(Buffer.from(crc32Prefix(crc) + 'tail', 'latin1')), zlib.crc32(Buffer.from(text + 'tail', 'latin1')));
    }
  });

  it('gives the CRC-32 of the whole data for any split into slices (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 8 }), (bytes, cuts) => {
      const data = Buffer.from(bytes);
      const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
      let crc = 0;
      let from = 0;
      for (const point of [...points, data.length]) {
        crc = crc32Continue(crc, data.subarray(from, point).toString('latin1'));
        from = point;
      }
      return crc === zlib.crc32(data);
    }), { numRuns: 300 });
  });
});

describe('files: paths', () => {
  it('finds .. segments (either separator), NUL and empty paths in physical paths', () => {
    for (const p of ['../x', 'www/../x', 'www\\..\\x', 'storage:w/../x', '..', 'a/..', 'a\0b', '']) assert.strictEqual(isEscapingPath(p), true, p);
    for (const p of ['www/x', 'www/..x', 'x..', 'storage:w/a..b', '/abs/path']) assert.strictEqual(isEscapingPath(p), false, p);
  });

  it('maps URL paths under fs and storage: roots', () => {
    assert.strictEqual(physicalPathFor('www', '/a/b.css'), 'www/a/b.css');
    assert.strictEqual(physicalPathFor('www/', '/a/b.css'), 'www/a/b.css');
    assert.strictEqual(physicalPathFor('/sd/site', '/x.html'), '/sd/site/x.html');
    assert.strictEqual(physicalPathFor('storage:w/', '/a/b.css'), 'storage:w/a/b.css');
    assert.strictEqual(physicalPathFor('storage:w/', '/' + 'x'.repeat(26)), 'storage:w/' + 'x'.repeat(26));
    assert.strictEqual(physicalPathFor('storage:w/', '/' + 'x'.repeat(27)), null);
    assert.strictEqual(physicalPathFor('www', '/../x'), null);
    assert.strictEqual(isSafeUrlPath('/a..b/c'), true);
  });
});

describe('MIME types (the original\'s table, kept as one string)', () => {
  const ORIGINAL = {
    '.txt': 'text/plain', '.htm': 'text/html', '.html': 'text/html', '.css': 'text/css', '.csv': 'text/csv',
    '.js': 'application/javascript', '.xml': 'application/xml', '.xhtml': 'application/xhtml+xml',
    '.json': 'application/json', '.zip': 'application/zip', '.pdf': 'application/pdf',
    '.ts': 'application/typescript', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
    '.otf': 'font/otf', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif',
    '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
  };

  it('gives each of the 22 extensions its type, whatever the case and folder', () => {
    for (const ext of Object.keys(ORIGINAL)) {
      assert.strictEqual(mimeTypeFromFilename('dir.v2/name' + ext), ORIGINAL[ext], ext);
      assert.strictEqual(mimeTypeFromFilename('NAME' + ext.toUpperCase()), ORIGINAL[ext], ext);
    }
  });

  it('knows nothing else: unknown extensions, no extension, a dot in a folder, a type or a space in the name', () => {
    for (const name of ['a.unknown', 'README', 'dir.d/file', 'a.text/plain', 'x.htm text/html', 'a.', 'a. css', 'a.htm ', '.']) {
      assert.strictEqual(mimeTypeFromFilename(name), null, name);
    }
  });

  it('property: the answer is one of the table\'s types or null, never a piece of the table', () => {
    const types = new Set(Object.values(ORIGINAL));
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (name) => {
      const type = mimeTypeFromFilename(name);
      return type === null || types.has(type);
    }));
  });

  it('looks up types added with AddMimeType first', () => {
    addMimeType('.CSS', 'text/x-custom');
    try {
      assert.strictEqual(mimeTypeFromFilename('a.css'), 'text/x-custom');
    } finally {
      delete addedMimeTypes['.css'];
    }
    assert.strictEqual(mimeTypeFromFilename('a.css'), 'text/css');
  });
});

