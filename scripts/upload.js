#!/usr/bin/env node
// `npm run upload -- --board esp32 --port /dev/ttyUSB0`: builds, then puts the server on a board
// through the espruino CLI: the bundles the app uses (Storage, under their module names), the web
// files (Storage names from scripts/lib/storage-names.js, or an SD card), the app as boot code
// (Storage `.bootcde`, with the board's network bring-up before it), and boots it.
//
//   --board <id>        a board of boards/ (esp32, esp32c3, espruino-wifi, pico-esp8266, linux)
//   --port <p>          serial device, or tcp://host:port for a Telnet console (Linux build: 2323)
//   --baud <n>          serial baud rate (default: the board's console rate)
//   --app <file>        the app (default demo/main.js)
//   --modules <list>    optional bundles: WebSockets,PyhtmlTemplate | all | none (default: those
//                       whose names appear in the app)
//   --www <dir>         web files (default www/); --no-www to skip them
//   --http-port <n>     port the app listens on (default: the board's, 80 on boards, 8080 on Linux)
//   --secrets <file>    WiFi credentials file (default .upload-secrets.json; WIFI_SSID and
//                       WIFI_PASSWORD in the environment win)
//   --no-build          use dist/ as it is
//   --dist <dir>        take the bundles from another folder (implies --no-build)
//   --no-load           write everything but do not boot it
//   --no-verify         do not check that the server answers HTTP afterwards
//   --wait <s>          how long to watch the board after booting (default 3, 20 with WiFi)
//   --dry-run           plan and write the generated code to --out (no board needed)
//   --out <file>        where --dry-run writes the code (default upload-plan.js in the OS temp dir)
//   --verbose           show every line the board prints
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { execFileSync } = require('child_process');

const { loadBoard, boardIds, loadWifiCredentials } = require('./lib/boards');
const { bootCode, needsCredentials } = require('./lib/boot-code');
const plan = require('./lib/upload-plan');
const cli = require('./lib/espruino-cli');

const root = path.resolve(__dirname, '..');
let distDir = path.join(root, 'dist');

function parseArgs(argv) {
  const opts = { app: 'demo/main.js', www: 'www', build: true, load: true, verify: true, secrets: '.upload-secrets.json' };
  const valueOf = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || v.indexOf('--') === 0) throw new Error(name + ' needs a value');
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--board': opts.board = valueOf(i, a); i++; break;
      case '--port': opts.port = valueOf(i, a); i++; break;
      case '--baud': opts.baud = Number(valueOf(i, a)); i++; break;
      case '--app': opts.app = valueOf(i, a); i++; break;
      case '--modules': opts.modules = argv[i + 1] === undefined ? '' : argv[i + 1]; i++; break;
      case '--www': opts.www = valueOf(i, a); i++; break;
      case '--no-www': opts.www = null; break;
      case '--http-port': opts.httpPort = Number(valueOf(i, a)); i++; break;
      case '--secrets': opts.secrets = valueOf(i, a); i++; break;
      case '--no-build': opts.build = false; break;
      case '--dist': opts.dist = valueOf(i, a); i++; break;
      case '--no-load': opts.load = false; break;
      case '--no-verify': opts.verify = false; break;
      case '--wait': opts.wait = Number(valueOf(i, a)); i++; break;
      case '--dry-run': opts.dryRun = true; break;
      case '--out': opts.out = valueOf(i, a); i++; break;
      case '--verbose': case '-v': opts.verbose = true; break;
      case '--help': case '-h': opts.help = true; break;
      default: throw new Error('unknown option ' + a + ' (try --help)');
    }
  }
  if (opts.help) return opts;
  if (!opts.board) throw new Error('--board is required: one of ' + boardIds().join(', '));
  if (!opts.port && !opts.dryRun) throw new Error('--port is required (a serial device, or tcp://host:port)');
  if (opts.httpPort !== undefined && !(opts.httpPort > 0 && opts.httpPort < 65536)) throw new Error('--http-port must be a TCP port');
  return opts;
}

function help() {
  const text = fs.readFileSync(__filename, 'utf8').split('\n');
  const start = text.findIndex((l) => l.indexOf('// `npm run upload') === 0);
  const lines = [];
  for (let i = start; i < text.length && text[i].indexOf('//') === 0; i++) lines.push(text[i].replace(/^\/\/ ?/, ''));
  console.log(lines.join('\n'));
}

function availableBundles() {
  if (!fs.existsSync(distDir)) throw new Error('dist/ is missing: run `npm run build` (or drop --no-build)');
  return fs.readdirSync(distDir).filter((f) => f.endsWith('.min.js')).map((f) => f.slice(0, -'.min.js'.length)).sort();
}

/** Everything to write, in order: core, modules, extra modules, web files, boot code last. */
function planItems(board, opts, log) {
  const bundles = availableBundles();
  if (bundles.indexOf(plan.CORE_BUNDLE) < 0) throw new Error('dist/' + plan.CORE_BUNDLE + '.min.js is missing: the build failed?');
  const appPath = path.resolve(root, opts.app);
  if (!fs.existsSync(appPath)) throw new Error('--app ' + opts.app + ': no such file');
  const appCode = fs.readFileSync(appPath, 'utf8');
  const modules = opts.modules !== undefined ? plan.parseModulesOption(opts.modules, bundles) : plan.detectModules(appCode, bundles);
  log('Modules: ' + (modules.length ? modules.join(', ') : 'none') + (opts.modules === undefined ? ' (found in ' + opts.app + ')' : ''));

  const items = [];
  for (const name of plan.CORE_BUNDLES.filter((b) => bundles.includes(b)).concat(modules)) {
    items.push({ kind: 'bundle', target: 'storage', name, data: fs.readFileSync(path.join(distDir, name + '.min.js'), 'latin1') });
  }
  for (const name of board.network.requires || []) {
    const candidates = [path.join(root, 'modules', name + '.min.js'), path.join(root, 'modules', name + '.js')];
    const found = candidates.find((f) => fs.existsSync(f));
    if (!found) {
      throw new Error('board ' + board.id + ' needs the module ' + name + ', which its firmware does not have: save ' +
        'https://www.espruino.com/modules/' + name + '.min.js as modules/' + name + '.min.js');
    }
    items.push({ kind: 'module', target: 'storage', name, data: fs.readFileSync(found, 'latin1') });
  }
  if (opts.www) {
    const wwwDir = path.resolve(root, opts.www);
    if (!fs.existsSync(wwwDir)) throw new Error('--www ' + opts.www + ': no such folder');
    const web = plan.planWebFiles(wwwDir, board.webFiles.rootPath);
    if (web.problems.length) {
      throw new Error('these web files have no valid Storage name under RootPath ' + board.webFiles.rootPath +
        ' (nothing was written):\n  ' + web.problems.join('\n  ') + '\nShorten or flatten their paths.');
    }
    for (const item of web.items) items.push(item);
  }
  let credentials = null;
  if (needsCredentials(board)) {
    credentials = loadWifiCredentials({ file: path.resolve(root, opts.secrets), boardId: board.id });
    if (!credentials) {
      throw new Error('board ' + board.id + ' joins a WiFi network: set WIFI_SSID and WIFI_PASSWORD, or write ' + opts.secrets +
        ' as {"wifi": {"ssid": "...", "password": "..."}} (git-ignored)');
    }
    log('WiFi: ' + JSON.stringify(credentials.ssid) + ' (from ' + credentials.from + ')');
  }
  const boot = bootCode(board, appCode, { httpPort: opts.httpPort, credentials });
  items.push({ kind: 'boot', target: 'storage', name: '.bootcde', data: Buffer.from(boot, 'utf8').toString('latin1') });
  return items;
}

function describe(item) {
  const size = item.data.length >= 1024 ? (item.data.length / 1024).toFixed(1) + ' KB' : item.data.length + ' B';
  const where = item.target === 'sd' ? 'SD ' : '';
  return where + item.name + ' (' + size + (item.kind === 'www' ? ', ' + item.urlPath : '') + ')';
}

/** Writes code to a private temp file (it may hold WiFi credentials) and returns its path. */
function writeTemp(code) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-upload-'));
  const file = path.join(dir, 'upload.js');
  fs.writeFileSync(file, code, { encoding: 'latin1', mode: 0o600 });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function probe(board, opts, names) {
  const result = await cli.runCli(cli.cliArgs({ port: opts.port, boardJson: board.cliBoardJsonPath, baud: opts.baud, expr: plan.probeStatement(names) }), { timeoutMs: 30000 });
  const failure = cli.findFailure(result.stdout + '\n' + result.stderr);
  let info = null;
  for (const line of result.device) {
    const m = plan.parseMarker(line);
    if (m && m.kind === 'probe') info = m.data;
  }
  if (!info) {
    const why = failure ? failure.why + ' (' + failure.line + ')' : result.timedOut ? 'the CLI timed out' : 'the board did not answer';
    throw new Error('cannot talk to the board on ' + opts.port + ': ' + why + tail(result));
  }
  return info;
}

function tail(result) {
  const text = (result.stderr + '\n' + result.stdout).trim().split('\n').slice(-8).join('\n    ');
  return text ? '\n  CLI output:\n    ' + text : '';
}

function getOnce(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, headers: { Connection: 'close' } }, (res) => {
      let bytes = 0;
      res.on('data', (d) => { bytes += d.length; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'] || '', bytes }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ error: err.message }));
  });
}

/** Checks the server answers: retried for a few seconds while it starts. */
async function verifyHttp(url, log) {
  const deadline = Date.now() + 15000;
  let last = null;
  while (Date.now() < deadline) {
    last = await getOnce(url, 3000);
    if (!last.error) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (last.error) throw new Error('the server does not answer ' + url + ': ' + last.error);
  log('HTTP check: GET ' + url + ' -> ' + last.status + ' ' + last.type + ', ' + last.bytes + ' bytes');
  return last;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) return help();
  const log = (s) => console.log(s);
  const board = loadBoard(opts.board);
  if (opts.dist) {
    distDir = path.resolve(opts.dist);
    opts.build = false;
  }
  if (opts.baud === undefined && board.console.baud) opts.baud = board.console.baud;
  if (opts.build) {
    log('Building (npm run build)...');
    execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { cwd: root, stdio: 'inherit', env: Object.assign({}, process.env, { BUILD_QUIET: '1' }) });
  }
  const items = planItems(board, opts, log);
  const code = plan.uploadScript(items, { load: opts.load });
  log('Plan for ' + board.name + ': ' + items.length + ' files, ' + plan.storageBytesNeeded(items) + ' bytes of Storage');
  if (opts.dryRun) {
    const out = path.resolve(opts.out || path.join(os.tmpdir(), 'upload-plan.js'));
    fs.writeFileSync(out, code, { encoding: 'latin1', mode: 0o600 });
    items.forEach((item, i) => log('  [' + (i + 1) + '/' + items.length + '] ' + describe(item)));
    log('Dry run: the code for the board is in ' + out);
    return;
  }

  await cli.checkPortUsable(opts.port);
  log('Asking the board on ' + opts.port + '...');
  const info = await probe(board, opts, items.filter((i) => i.target === 'storage').map((i) => i.name));
  log('Board: ' + info.board + ', Espruino ' + info.version + ', ' + info.memory.free + ' of ' + info.memory.total + ' variables free');
  if (info.board && info.board.indexOf(board.espruinoBoard) !== 0) {
    log('Warning: the board says it is ' + info.board + ', boards/' + board.id + '.json describes ' + board.espruinoBoard);
  }
  const budget = plan.checkStorageBudget(items, info);
  log(budget.message);
  if (!budget.ok) throw new Error('not enough Storage on the board: nothing was written');

  const temp = writeTemp(code);
  let result;
  const checks = {};
  let done = null;
  const seen = [];
  const hasNetwork = board.network.kind !== 'none';
  const wait = opts.wait !== undefined ? opts.wait : (opts.load ? (hasNetwork ? 20 : 3) : 0);
  try {
    log('Uploading through the espruino CLI' + (cli.isTcpPort(opts.port) ? '' : ' (Storage writes paced for serial)') + '...');
    const totalBytes = items.reduce((n, i) => n + i.data.length, 0);
    result = await cli.runCli(cli.cliArgs({ port: opts.port, boardJson: board.cliBoardJsonPath, baud: opts.baud, file: temp.file, sleep: wait }), {
      // Serial at 9600 baud moves about 1 KB a second; TCP is much faster.
      timeoutMs: 60000 + totalBytes * 4 + wait * 1000,
      onDeviceLine(line) {
        seen.push(line);
        const m = plan.parseMarker(line);
        if (!m) {
          if (opts.verbose || /^(MWS2|Uncaught|WARNING|ERROR)/.test(line) || /OUT OF MEMORY/.test(line)) log('  board> ' + line);
          return;
        }
        if (m.kind === 'start') {
          const item = items[m.data.i];
          process.stdout.write('  [' + (m.data.i + 1) + '/' + items.length + '] ' + describe(item) + ' ... ');
        } else if (m.kind === 'check') {
          const item = items[m.data.i];
          const expected = plan.sliceChecksum(item.data);
          checks[m.data.i] = m.data.sum === null ? 'unchecked' : m.data.sum === expected ? 'ok' : 'MISMATCH';
          console.log(checks[m.data.i] === 'ok' ? 'written, checked' : checks[m.data.i] === 'unchecked' ? 'written (no E.CRC32 to check it)' : 'CONTENT DIFFERS');
        } else if (m.kind === 'done') {
          done = m.data;
        }
      },
    });
  } finally {
    temp.remove();
  }

  const failure = cli.findFailure(result.stdout + '\n' + result.stderr);
  const bad = Object.keys(checks).filter((i) => checks[i] === 'MISMATCH').map((i) => items[i].name);
  const missing = items.map((item, i) => (checks[i] ? null : item.name)).filter(Boolean);
  if (result.timedOut) throw new Error('the upload did not finish in time (the CLI was stopped)' + tail(result));
  if (bad.length) throw new Error('the board holds different content for: ' + bad.join(', ') + ' (a transmission error?): upload again');
  if (failure && (!done || missing.length)) throw new Error(failure.why + ': ' + failure.line + tail(result));
  if (!done || missing.length) {
    throw new Error('the upload did not complete: ' + (missing.length ? 'not confirmed: ' + missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '') : 'no final report') + tail(result));
  }
  log('Upload complete: Storage ' + done.freeBytes + ' bytes free' + (done.trashBytes ? ', ' + done.trashBytes + ' reclaimable' : ''));
  if (failure) {
    // Everything was written and checked; the error came from the app once booted.
    throw new Error('the app failed after booting: ' + failure.line + '\n  (the files are on the board; fix the app and upload again)');
  }
  if (!opts.load) return;

  if (opts.verify) {
    const announced = seen.map((l) => /MWS2-NET> connected: (http:\/\/\S+)/.exec(l)).filter(Boolean).pop();
    let url = announced ? announced[1] : null;
    if (!url && cli.isTcpPort(opts.port)) {
      url = 'http://' + cli.parseTcpPort(opts.port).host + ':' + (opts.httpPort || board.httpPort) + '/';
    }
    if (url) await verifyHttp(url, log);
    else log('The board did not report its address yet: open the serial console (npx espruino --no-ble -p ' + opts.port + ') to see it.');
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('upload failed: ' + (err && err.message ? err.message : err));
    process.exit(1);
  });
}

module.exports = { parseArgs, planItems };
