// What `npm run upload` sends: module detection, web-file names, the Storage budget, and the
// Espruino statements (checked by running them against a fake Storage). No board needed.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');
const fc = require('fast-check');

const plan = require('../scripts/lib/upload-plan');

const BUNDLES = ['MicroWebSrv2', 'MicroWebSrv2.PyhtmlTemplate', 'MicroWebSrv2.WebSockets'];

describe('which module bundles an app needs', () => {
  it('a LoadModule call with the short name', () => {
    assert.deepStrictEqual(plan.detectModules("var ws = MicroWebSrv2.LoadModule('WebSockets');", BUNDLES), ['MicroWebSrv2.WebSockets']);
  });

  it('the name passed through a helper of the app, as the demo does', () => {
    const demo = fs.readFileSync(path.join(__dirname, '..', 'demo', 'main.js'), 'utf8');
    assert.deepStrictEqual(plan.detectModules(demo, BUNDLES), ['MicroWebSrv2.PyhtmlTemplate', 'MicroWebSrv2.WebSockets']);
  });

  it('the name in a comment or an identifier does not count', () => {
    assert.deepStrictEqual(plan.detectModules('// LoadModule("WebSockets")\nvar WebSockets = 1;', BUNDLES), []);
  });

  it('the core is never listed as a module', () => {
    assert.deepStrictEqual(plan.detectModules("require('MicroWebSrv2')", BUNDLES), []);
  });

  it('--modules takes short or full names, all, or none, and rejects unknown ones', () => {
    assert.deepStrictEqual(plan.parseModulesOption('WebSockets,MicroWebSrv2.WebSockets', BUNDLES), ['MicroWebSrv2.WebSockets']);
    assert.deepStrictEqual(plan.parseModulesOption('all', BUNDLES), ['MicroWebSrv2.PyhtmlTemplate', 'MicroWebSrv2.WebSockets']);
    assert.deepStrictEqual(plan.parseModulesOption('none', BUNDLES), []);
    assert.throws(() => plan.parseModulesOption('Sessions', BUNDLES), /no bundle MicroWebSrv2\.Sessions in dist/);
  });

  it("parts go with their owner: the core's always, a module's after it, never detected as modules", () => {
    const withParts = BUNDLES.concat(['MicroWebSrv2.http', 'MicroWebSrv2.files', 'MicroWebSrv2.pyhtml-compile']).sort();
    assert.deepStrictEqual(plan.CORE_BUNDLES, ['MicroWebSrv2', 'MicroWebSrv2.http', 'MicroWebSrv2.files']);
    assert.deepStrictEqual(plan.detectModules("LoadModule('PyhtmlTemplate'); var s = 'files'; 'pyhtml-compile';", withParts),
      ['MicroWebSrv2.PyhtmlTemplate', 'MicroWebSrv2.pyhtml-compile']);
    assert.deepStrictEqual(plan.detectModules("LoadModule('WebSockets')", withParts), ['MicroWebSrv2.WebSockets']);
    assert.deepStrictEqual(plan.parseModulesOption('all', withParts),
      ['MicroWebSrv2.PyhtmlTemplate', 'MicroWebSrv2.pyhtml-compile', 'MicroWebSrv2.WebSockets']);
  });
});

describe('web files', () => {
  let dir;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-www-'));
    fs.mkdirSync(path.join(dir, 'css'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<h1>hi</h1>');
    fs.writeFileSync(path.join(dir, 'css', 'a.css'), 'a{}');
    fs.writeFileSync(path.join(dir, '.hidden'), 'x');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('go to Storage under the RootPath prefix: /css/a.css -> w/css/a.css', () => {
    const web = plan.planWebFiles(dir, 'storage:w/');
    assert.deepStrictEqual(web.problems, []);
    assert.deepStrictEqual(web.items.map((i) => [i.urlPath, i.name, i.target]), [
      ['/css/a.css', 'w/css/a.css', 'storage'],
      ['/index.html', 'w/index.html', 'storage'],
    ]);
  });

  it('names longer than 28 characters are all reported, and nothing is planned for them', () => {
    fs.mkdirSync(path.join(dir, 'a-rather-long-folder'));
    fs.writeFileSync(path.join(dir, 'a-rather-long-folder', 'stylesheet.css'), 'x');
    fs.writeFileSync(path.join(dir, 'an-even-longer-file-name.html'), 'x');
    const web = plan.planWebFiles(dir, 'storage:w/');
    assert.strictEqual(web.problems.length, 2);
    assert.ok(/^"\/a-rather-long-folder\/stylesheet\.css" cannot be stored: .*37 bytes/.test(web.problems[0]), web.problems[0]);
    assert.ok(/^"\/an-even-longer-file-name\.html" cannot be stored/.test(web.problems[1]), web.problems[1]);
    assert.ok(web.items.every((i) => i.name.length <= 28));
  });

  it('the mapping is the one scripts/lib/storage-names.js gives, when that module exists', () => {
    const mapper = plan.storageNameMapper();
    assert.strictEqual(mapper('w/', '/css/a.css'), 'w/css/a.css');
    assert.throws(() => mapper('w/', '/../x'), /cannot be stored/);
    assert.strictEqual(mapper('w/', '/caf\u00e9.css'), 'w/caf\u00c3\u00a9.css', 'names are UTF-8 bytes');
  });

  it('a mapping that gives two files one name is a problem, not an overwrite', () => {
    const clash = () => 'w/same';
    const web = plan.planWebFiles(dir, 'storage:w/', clash);
    assert.strictEqual(web.items.length, 1);
    assert.ok(/clashes with/.test(web.problems[0]));
  });

  it('go to the SD card folder when RootPath is not storage:', () => {
    const web = plan.planWebFiles(dir, 'www');
    assert.deepStrictEqual(web.items.map((i) => [i.name, i.target]), [['www/css/a.css', 'sd'], ['www/index.html', 'sd']]);
  });
});

describe('Storage budget', () => {
  const items = [
    { target: 'storage', name: 'MicroWebSrv2', data: 'x'.repeat(1000) },
    { target: 'storage', name: '.bootcde', data: 'y'.repeat(13) },
    { target: 'sd', name: 'www/a', data: 'z'.repeat(5000) },
  ];

  it('counts a 32-byte header and 8-byte alignment per Storage file, and no SD file', () => {
    assert.strictEqual(plan.storageBytesNeeded(items), 32 + 1000 + 32 + 16);
  });

  it('fits when free, reclaimable and replaced bytes cover it', () => {
    assert.ok(plan.checkStorageBudget(items, { free: 500, trash: 300, sizes: { MicroWebSrv2: 296 } }).ok);
  });

  it('does not fit otherwise, and the message lists the files and what to do', () => {
    const budget = plan.checkStorageBudget(items, { free: 1000, trash: 0, sizes: {} });
    assert.strictEqual(budget.ok, false);
    assert.ok(/1080 bytes to write, 1000 available/.test(budget.message), budget.message);
    assert.ok(/1000  MicroWebSrv2/.test(budget.message));
    assert.ok(/--modules/.test(budget.message));
  });
});

/** A fake Espruino: Storage with write(name, data, offset, size) semantics, E.CRC32, atob, print. */
function fakeBoard() {
  const files = {};
  const printed = [];
  const Storage = {
    write(name, data, offset, size) {
      if (offset === undefined) { files[name] = data; return true; }
      if (size !== undefined) files[name] = Buffer.alloc(size, 0xff).toString('latin1');
      const f = files[name];
      files[name] = f.slice(0, offset) + data + f.slice(offset + data.length);
      return true;
    },
    read(name, offset, length) {
      if (!(name in files)) return undefined;
      return files[name].substr(offset || 0, length === undefined ? undefined : length);
    },
    getStats() { return { freeBytes: 1000, trashBytes: 0 }; },
    getFree() { return 1000; },
  };
  const sandbox = {
    require: (n) => { if (n === 'Storage') return Storage; throw new Error(n); },
    atob: (s) => Buffer.from(s, 'base64').toString('latin1'),
    E: { CRC32: (s) => zlib.crc32(Buffer.from(s, 'latin1')) | 0 },
    print: (s) => printed.push(s),
    JSON, Math,
    process: { version: '2v29', env: { BOARD: 'TEST' }, memory: () => ({ free: 100, total: 200 }) },
    load: () => printed.push('LOAD'),
  };
  return { files, printed, run: (code) => vm.runInNewContext(code, sandbox) };
}

describe('the statements sent to the board', () => {
  it('names outside ASCII are escaped: the CLI reads what it sends as UTF-8', () => {
    assert.strictEqual(plan.jsString('w/caf\u00c3\u00a9'), '"w/caf\\xc3\\xa9"');
    assert.ok(/^[\x20-\x7e\n]*$/.test(plan.uploadScript([{ target: 'storage', name: 'w/\u00e9', data: '\u00ff' }])));
  });

  it('write each file in CLI-form chunks that rebuild it byte for byte, binary included', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const data = Buffer.from(bytes).toString('latin1');
      const lines = plan.storageWriteLines('f', data);
      for (const line of lines) assert.ok(/^require\("Storage"\)\.write\("f",(atob\("[A-Za-z0-9+/=]*"\),\d+(,\d+)?|"")\)$/.test(line), line);
      const board = fakeBoard();
      board.run(lines.join('\n'));
      assert.strictEqual(board.files.f, data);
    }), { numRuns: 60 });
  });

  it('one line per 384 bytes, the first giving the total size', () => {
    const lines = plan.storageWriteLines('big', 'a'.repeat(1000));
    assert.strictEqual(lines.length, 3);
    assert.ok(/,0,1000\)$/.test(lines[0]));
    assert.ok(/,768\)$/.test(lines[2]));
  });

  it('the board reports the slice checksum the tool expects, and a corrupted file does not match', () => {
    const items = [
      { target: 'storage', name: 'MicroWebSrv2', data: Buffer.from(Array.from({ length: 1500 }, (_, i) => i * 7 & 255)).toString('latin1') },
      { target: 'storage', name: '.bootcde', data: 'print(1)' },
    ];
    const board = fakeBoard();
    board.run(plan.uploadScript(items));
    const markers = board.printed.filter((p) => p !== 'LOAD').map(plan.parseMarker);
    assert.deepStrictEqual(markers.map((m) => m.kind), ['begin', 'start', 'check', 'start', 'check', 'done']);
    assert.strictEqual(markers[2].data.sum, plan.sliceChecksum(items[0].data));
    assert.strictEqual(markers[4].data.sum, plan.sliceChecksum(items[1].data));
    assert.strictEqual(board.printed[board.printed.length - 1], 'LOAD');
    const corrupted = items[0].data.slice(0, 700) + 'X' + items[0].data.slice(701);
    assert.notStrictEqual(plan.sliceChecksum(corrupted), markers[2].data.sum);
  });

  it('no load() when asked not to boot', () => {
    assert.ok(!/load\(\)/.test(plan.uploadScript([], { load: false })));
  });

  it('the probe reports free bytes and the sizes of files about to be replaced', () => {
    const board = fakeBoard();
    board.files.MicroWebSrv2 = 'q'.repeat(3000);
    board.run(plan.probeStatement(['MicroWebSrv2', 'absent']));
    const m = plan.parseMarker(board.printed[0]);
    assert.strictEqual(m.kind, 'probe');
    assert.deepStrictEqual(m.data.sizes, { MicroWebSrv2: 3000, absent: -1 });
    assert.strictEqual(m.data.free, 1000);
    assert.strictEqual(m.data.crc, true);
  });

  it('markers survive the prompt characters around them; other lines are not markers', () => {
    assert.deepStrictEqual(plan.parseMarker('>@@MWS2 check {"i":2,"sum":5}'), { kind: 'check', data: { i: 2, sum: 5 } });
    assert.strictEqual(plan.parseMarker('MWS2-INFO> Server listening'), null);
    assert.strictEqual(plan.parseMarker('@@MWS2 check {broken'), null);
  });
});
