// The board descriptions (boards/*.json), their CLI board JSON, credentials, and the boot code
// written from them. No board needed.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const acorn = require('acorn');

const { boardIds, loadBoard, validateBoard, loadWifiCredentials } = require('../scripts/lib/boards');
const { bootCode, START_FUNCTION } = require('../scripts/lib/boot-code');

const REQUIRED = ['esp32', 'esp32c3', 'espruino-wifi', 'pico-esp8266', 'linux'];

describe('board descriptions', () => {
  it('describe every supported board', () => {
    for (const id of REQUIRED) assert.ok(boardIds().indexOf(id) >= 0, 'boards/' + id + '.json is missing');
  });

  for (const id of REQUIRED) {
    it(id + ' is valid and its CLI board JSON lists built-in modules, Storage among them', () => {
      const board = loadBoard(id);
      const cliJson = JSON.parse(fs.readFileSync(board.cliBoardJsonPath, 'utf8'));
      assert.strictEqual(cliJson.BOARD, board.espruinoBoard);
      assert.ok(Array.isArray(cliJson.info.builtin_modules), 'info.builtin_modules is what stops the CLI fetching modules');
      assert.ok(cliJson.info.builtin_modules.indexOf('Storage') >= 0);
      if (board.network.kind === 'wifi') assert.ok(cliJson.info.builtin_modules.indexOf(board.network.module) >= 0, 'the WiFi module must be built in');
    });
  }

  it('no stock firmware offers a TLS server', () => {
    for (const id of REQUIRED) assert.strictEqual(loadBoard(id).tlsServer, false);
  });

  it('a board with too little Storage for the core bundle says so in its notes', () => {
    const pico = loadBoard('pico-esp8266');
    assert.ok(pico.storageBytes < 60000);
    assert.ok(pico.notes.some((n) => /smaller than the core bundle/.test(n)));
  });

  it('validation reports each missing or wrong field', () => {
    const board = JSON.parse(JSON.stringify(loadBoard('esp32')));
    delete board.variables;
    board.network = { kind: 'carrier-pigeon' };
    board.webFiles = { store: 'storage', rootPath: 'www' };
    board.limits.MaxConnections = 5;
    const errors = validateBoard(board);
    assert.ok(errors.some((e) => /^variables/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /^network.kind/.test(e)));
    assert.ok(errors.some((e) => /rootPath must start with storage:/.test(e)));
    assert.ok(errors.some((e) => /MaxConnections must be BufferSlotsCount \/ 2/.test(e)));
  });

  it('an ESP8266 on AT commands needs its serial wiring', () => {
    const board = JSON.parse(JSON.stringify(loadBoard('pico-esp8266')));
    delete board.network.tx;
    assert.ok(validateBoard(board).some((e) => /network.tx/.test(e)));
  });

  it('an unknown board id lists the known ones', () => {
    assert.throws(() => loadBoard('esp31'), /unknown board "esp31": choose one of .*esp32/);
  });
});

describe('WiFi credentials', () => {
  let dir;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-secrets-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the environment wins over the file', () => {
    const file = path.join(dir, 's.json');
    fs.writeFileSync(file, JSON.stringify({ wifi: { ssid: 'file', password: 'x' } }));
    const c = loadWifiCredentials({ env: { WIFI_SSID: 'env', WIFI_PASSWORD: 'pw' }, file });
    assert.deepStrictEqual(c, { ssid: 'env', password: 'pw', from: 'environment' });
  });

  it('the file gives them otherwise, a board entry before the general one', () => {
    const file = path.join(dir, 's.json');
    fs.writeFileSync(file, JSON.stringify({ wifi: { ssid: 'home', password: 'a' }, boards: { esp32c3: { wifi: { ssid: 'lab', password: 'b' } } } }));
    assert.strictEqual(loadWifiCredentials({ env: {}, file, boardId: 'esp32' }).ssid, 'home');
    assert.strictEqual(loadWifiCredentials({ env: {}, file, boardId: 'esp32c3' }).ssid, 'lab');
  });

  it('no environment and no file: none', () => {
    assert.strictEqual(loadWifiCredentials({ env: {}, file: path.join(dir, 'absent.json') }), null);
  });

  it('a malformed file is an error naming the file', () => {
    const file = path.join(dir, 's.json');
    fs.writeFileSync(file, '{"wifi": ');
    assert.throws(() => loadWifiCredentials({ env: {}, file }), /s\.json is not valid JSON/);
    fs.writeFileSync(file, JSON.stringify({ wifi: { ssid: '' } }));
    assert.throws(() => loadWifiCredentials({ env: {}, file }), /wifi.ssid must be a non-empty string/);
  });

  it('the default secrets file is git-ignored', () => {
    const ignored = fs.readFileSync(path.join(__dirname, '..', '.gitignore'), 'utf8').split(/\r?\n/);
    assert.ok(ignored.indexOf('.upload-secrets.json') >= 0);
  });
});

describe('boot code', () => {
  const app = "var started = true; console.log('app ' + DEMO_CONFIG.port);";
  const credentials = { ssid: 'My "Net"', password: 'p\\w\n' };

  /** Runs boot code in a sandbox with fake Espruino pieces; returns what happened, in order. */
  function runBoot(code, fakeModules, extraGlobals) {
    const events = [];
    const timers = [];
    const sandbox = Object.assign({
      console: { log: (s) => events.push('log ' + s) },
      require: (name) => {
        if (!fakeModules[name]) throw new Error('Module ' + name + ' not found');
        return fakeModules[name](events);
      },
      setTimeout: (fn, ms) => { timers.push({ fn, ms }); events.push('timer ' + ms); },
      digitalWrite: (pin, v) => events.push('digitalWrite ' + pin + ' ' + v),
    }, extraGlobals || {});
    vm.runInNewContext(code, sandbox);
    return { events, timers, sandbox };
  }

  it('is ES5 that declares every function before calling it (Espruino does not hoist)', () => {
    for (const id of ['esp32', 'pico-esp8266', 'linux']) {
      const code = bootCode(loadBoard(id), app, { credentials });
      acorn.parse(code, { ecmaVersion: 5 });
      const declaredAt = code.indexOf('function ' + START_FUNCTION);
      const calledAt = code.indexOf(START_FUNCTION + '()');
      if (id !== 'linux') assert.ok(declaredAt >= 0 && declaredAt < calledAt, id);
    }
  });

  it('linux: the settings then the app at top level, no network', () => {
    const code = bootCode(loadBoard('linux'), app, { httpPort: 8090 });
    assert.ok(code.indexOf(START_FUNCTION) < 0);
    const run = runBoot(code, {});
    assert.deepStrictEqual(run.events, ['log app 8090']);
    assert.strictEqual(run.sandbox.DEMO_CONFIG.rootPath, 'storage:w/');
    assert.deepStrictEqual(JSON.parse(JSON.stringify(run.sandbox.DEMO_CONFIG.limits)), loadBoard('linux').limits);
  });

  it('esp32: joins the WiFi with the credentials, then starts the app once, and announces its address', () => {
    const code = bootCode(loadBoard('esp32'), app, { credentials });
    const wifi = (events) => ({
      connect: (ssid, opts, cb) => { events.push('connect ' + ssid + ' ' + JSON.stringify(opts.password)); cb(null); },
      getIP: (cb) => cb(null, { ip: '192.168.1.7' }),
    });
    const run = runBoot(code, { Wifi: wifi });
    assert.deepStrictEqual(run.events, [
      'connect My "Net" "p\\\\w\\n"',
      'log MWS2-NET> connected: http://192.168.1.7:80/',
      'log app 80',
    ]);
  });

  it('esp32: a failed join retries in 10 s and does not start the app', () => {
    const code = bootCode(loadBoard('esp32'), app, { credentials });
    let attempts = 0;
    const wifi = () => ({ connect: (s, o, cb) => { attempts++; cb(attempts === 1 ? 'auth failed' : null); }, getIP: (cb) => cb(null, { ip: '10.0.0.2' }) });
    const run = runBoot(code, { Wifi: wifi });
    assert.deepStrictEqual(run.events, ['log MWS2-NET> WiFi connection failed (auth failed), retrying in 10 s', 'timer 10000']);
    run.timers[0].fn();
    assert.deepStrictEqual(run.events.slice(2), ['log MWS2-NET> connected: http://10.0.0.2:80/', 'log app 80']);
  });

  it('pico-esp8266: powers the module, sets up Serial2, resets it, joins, then starts the app', () => {
    const code = bootCode(loadBoard('pico-esp8266'), app, { credentials });
    const serialCalls = [];
    const serial = { setup: (baud, opts) => serialCalls.push(baud + ' ' + opts.tx + ' ' + opts.rx) };
    const esp = (ev) => ({
      connect: (port, cb) => {
        ev.push('esp connect ' + (port === serial));
        const w = {
          reset: (cb2) => { ev.push('reset'); cb2(null); },
          connect: (ssid, pw, cb3) => { ev.push('join ' + ssid + ' ' + JSON.stringify(pw)); cb3(null); },
          getIP: (cb4) => cb4(null, '192.168.4.2'),
        };
        setImmediate(() => cb(null));
        return w;
      },
    });
    const run = runBoot(code, { ESP8266WiFi_0v25: esp }, { Serial2: serial, A2: 'A2', A3: 'A3', B9: 'B9' });
    assert.deepStrictEqual(run.events, ['digitalWrite B9 1', 'timer 1000']);
    assert.deepStrictEqual(serialCalls, ['115200 A2 A3']);
    return new Promise((resolve) => {
      run.timers[0].fn();
      setImmediate(() => {
        assert.deepStrictEqual(run.events.slice(2), [
          'esp connect true', 'reset', 'join My "Net" "p\\\\w\\n"',
          'log MWS2-NET> connected: http://192.168.4.2:80/', 'log app 80',
        ]);
        resolve();
      });
    });
  });

  it('a WiFi board without credentials is refused with the ways to give them', () => {
    assert.throws(() => bootCode(loadBoard('esp32c3'), app, {}), /WIFI_SSID and WIFI_PASSWORD, or a \.upload-secrets\.json/);
  });
});
