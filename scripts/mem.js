#!/usr/bin/env node
// `npm run mem -- --espruino $ESPRUINO_BIN`: memory of the server on a real Espruino interpreter, in
// variables (process.memory().usage after a garbage collection). The bundles, the web files and the
// demo (as boot code) are written to the interpreter's Storage and loaded from there, as a board
// does. Printed: the interpreter at rest; after loading the core and each module or part; after
// starting the demo; idle after a warm-up; the HTTP part loaded by a request; per open keep-alive
// connection; per open WebSocket; both at once; after 10,000 requests (which must return to the idle
// figure); and each bundle loaded from RAM instead of Storage.
//
// Exits non-zero, naming the reason on its last line, when the interpreter printed OUT OF MEMORY,
// a step failed, or the usage grew over the request flood by more than --max-growth vars.
//
//   --espruino <bin>    a Linux build of Espruino, started here in a scratch folder (default:
//                       $ESPRUINO_BIN)
//   --port <p>          or a board's console (serial device or tcp://host:port), with --http-host
//   --http-host <h>     where the demo answers (default 127.0.0.1; the request flood runs against
//                       loopback addresses only)
//   --http-port <n>     port the demo listens on (default 8090)
//   --connections <n>   keep-alive connections to hold open (default 8)
//   --websockets <n>    WebSockets to hold open (default 4)
//   --requests <n>      requests of the flood (default 10000; 0 to skip)
//   --time-limit <s>    longest the flood may take (default 600)
//   --max-growth <n>    vars the usage may grow over the flood, parts released before and after
//                       (default 40, the HIL suite's tolerance)
//   --modules <list>    bundles to load besides the core (default: those the demo names; none)
//   --no-ram            skip the RAM-vs-Storage comparison
//   --no-build / --dist <dir>   as for upload
//   --json <file>       also write the figures as JSON
//   --log <file>        write every line the interpreter prints (the server's refusals, errors)
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const { spawnEspruino, connectPort, sleep } = require('./lib/repl');
const { loadBoard } = require('./lib/boards');
const { bootCode } = require('./lib/boot-code');
const plan = require('./lib/upload-plan');
const load = require('./lib/http-load');
const probe = require('./lib/mem-probe');

const root = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const o = { httpHost: '127.0.0.1', httpPort: 8090, connections: 8, websockets: 4, requests: 10000, timeLimit: 600, maxGrowth: 40, ram: true, build: true, dist: path.join(root, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (argv[i + 1] === undefined) throw new Error(a + ' needs a value');
      return argv[++i];
    };
    switch (a) {
      case '--espruino': o.espruino = v(); break;
      case '--port': o.port = v(); break;
      case '--baud': o.baud = Number(v()); break;
      case '--http-host': o.httpHost = v(); break;
      case '--http-port': o.httpPort = Number(v()); break;
      case '--connections': o.connections = Number(v()); break;
      case '--websockets': o.websockets = Number(v()); break;
      case '--requests': o.requests = Number(v()); break;
      case '--time-limit': o.timeLimit = Number(v()); break;
      case '--max-growth': o.maxGrowth = Number(v()); break;
      case '--no-ram': o.ram = false; break;
      case '--no-build': o.build = false; break;
      case '--dist': o.dist = path.resolve(v()); o.build = false; break;
      case '--json': o.json = v(); break;
      case '--log': o.log = v(); break;
      case '--app': o.app = v(); break;
      case '--modules': o.modules = v(); break;
      case '--help': case '-h': o.help = true; break;
      default: throw new Error('unknown option ' + a);
    }
  }
  if (!o.espruino && !o.port && process.env.ESPRUINO_BIN) o.espruino = process.env.ESPRUINO_BIN;
  if (!(o.maxGrowth >= 0)) throw new Error('--max-growth needs a number of vars');
  if (!o.help && !o.espruino && !o.port) throw new Error('give --espruino <linux build> (or set ESPRUINO_BIN) or --port <board console>');
  return o;
}

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

const figures = { rows: [], notes: [] };
/** The last figure printed: an OUT OF MEMORY is reported with the step that followed it. */
let lastRow = 'the start';
function row(label, vars, detail) {
  lastRow = label;
  figures.rows.push({ label, vars, detail: detail || '' });
  console.log('  ' + label.padEnd(44) + String(vars === null ? '-' : vars).padStart(7) + '  ' + (detail || ''));
}
function note(text) {
  figures.notes.push(text);
  console.log('  ' + text);
}

function bundleData(dist, name) {
  return fs.readFileSync(path.join(dist, name + '.min.js'), 'latin1');
}

async function writeItems(repl, items) {
  for (const item of items) {
    for (const line of plan.storageWriteLines(item.name, item.data)) await repl.run(line, 60000);
  }
}

/** Waits until the server holds no connection (closed clients are noticed on the next sweep). */
async function waitNoConnections(repl, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await repl.evaluate('mws2.pool.ConnectionsCount')) === 0) return true;
    await sleep(250);
  }
  return false;
}

/**
 * Usage once it stops moving: sockets the server has ended are freed only when the client's side
 * of the close arrives, a moment after the pool has let them go.
 */
async function settledUsage(repl, timeoutMs) {
  const deadline = Date.now() + (timeoutMs || 15000);
  let last = await repl.usage();
  while (Date.now() < deadline) {
    await sleep(500);
    const now = await repl.usage();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Usage once one request (on a connection of its own, closed after) has loaded the HTTP part, and
 *  how long that request took (`ms`), the part being read from Storage while it waited. */
async function httpPartLoaded(repl, host, port) {
  const res = await load.flood('http://' + host + ':' + port, 1, { connections: 1, timeLimitMs: 10000 });
  if (res.ok !== 1) throw new Error('the request that loads the HTTP part failed: ' + JSON.stringify(res.statuses));
  await waitNoConnections(repl, 10000);
  const usage = await settledUsage(repl, 3000);
  return { usage, ms: res.ms };
}

/** Milliseconds of one request with the HTTP part already loaded (same request as httpPartLoaded). */
async function warmRequestMs(host, port) {
  const res = await load.flood('http://' + host + ':' + port, 1, { connections: 1, timeLimitMs: 10000 });
  return res.ms;
}

async function warmUp(host, port) {
  const origin = 'http://' + host + ':' + port;
  const result = await load.flood(origin, 16, { connections: 1, timeLimitMs: 30000 });
  const ws = await load.openWebSockets(host, port, 1, '/wstest').catch(() => []);
  await load.closeAll(ws);
  return result;
}

/** The core and each module, required one after the other from Storage: vars each adds. */
async function measureModules(repl, modules) {
  const rest = await repl.usage();
  let before = rest;
  const results = [];
  for (const name of [plan.CORE_BUNDLE].concat(plan.CORE_BUNDLES.slice(1), modules)) {
    const part = plan.PARTS.includes(name);
    try {
      await repl.run('var __mws2m=require(' + JSON.stringify(name) + ')', 60000);
    } catch (e) {
      if (part && /not found/i.test(e.message)) continue;
      results.push({ name, vars: null, error: /MEMORY/i.test(e.message) ? 'OUT OF MEMORY (' + (await freeVars(repl)) + ' free after)' : e.message.split('\n')[0] });
      break;
    }
    const after = await repl.usage();
    results.push({ name, vars: after - before, part });
    // A part is loaded by the core while requests use it, then released: measured, then let go.
    if (part) await repl.run('__mws2m=undefined;Modules.removeCached(' + JSON.stringify(name) + ')');
    before = part ? await repl.usage() : after;
  }
  await repl.run('__mws2m=undefined');
  return { rest, results };
}

/** Shortened property name -> name in src/, as the build wrote it (empty when absent). */
function mangledNames(dist) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dist, 'mangled-names.json'), 'utf8'));
  } catch (e) {
    return {};
  }
}

/** Waits until every part (the core's files, the modules' compiler and handshake) is released: the
 *  core lets one go after 10 s without use. */
async function waitPartReleased(repl, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const check = '(function(m){if(!m.isPartLoaded)return false;var n=' + JSON.stringify(plan.PARTS) +
    ';for(var i=0;i<n.length;i++)if(m.isPartLoaded(n[i]))return true;return false})(require("MicroWebSrv2"))';
  while (Date.now() < deadline) {
    const loaded = await repl.evaluate(check, 5000).catch(() => false);
    if (!loaded) return;
    await sleep(500);
  }
}

async function freeVars(repl) {
  try {
    return await repl.evaluate('process.memory().free', 5000);
  } catch (e) {
    return '?';
  }
}

/** One bundle loaded from RAM (code sent as text, as the Web IDE and the CLI do): a fresh interpreter each. */
async function measureRamLoad(bin, name, code, coreCode) {
  const repl = await spawnEspruino(bin);
  try {
    // A module or part takes helpers from the core: the core comes first, from Storage.
    if (coreCode) {
      await writeItems(repl, [{ name: plan.CORE_BUNDLE, data: coreCode }]);
      await repl.run('var __mws2c=require(' + JSON.stringify(plan.CORE_BUNDLE) + ')', 60000);
    }
    const rest = await repl.usage();
    await repl.run('Modules.addCached(' + JSON.stringify(name) + ',function(){' + code + '\n})', 120000);
    const cached = await repl.usage();
    await repl.run('var __mws2m=require(' + JSON.stringify(name) + ')', 60000);
    const loaded = await repl.usage();
    return { cached: cached - rest, loaded: loaded - rest };
  } catch (e) {
    return { error: /MEMORY/i.test(e.message) ? 'OUT OF MEMORY' : e.message.slice(0, 160), free: await freeVars(repl) };
  } finally {
    await repl.close();
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    const text = fs.readFileSync(__filename, 'utf8').split('\n');
    console.log(text.filter((l, i) => i > 0 && l.indexOf('//') === 0).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    return;
  }
  if (o.build) execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { cwd: root, stdio: 'inherit', env: Object.assign({}, process.env, { BUILD_QUIET: '1' }) });
  const board = loadBoard('linux');
  const appFile = path.resolve(root, o.app || 'demo/main.js');
  const appCode = fs.readFileSync(appFile, 'utf8');
  const available = fs.readdirSync(o.dist).filter((f) => f.endsWith('.min.js')).map((f) => f.slice(0, -7)).sort();
  const modules = o.modules !== undefined ? plan.parseModulesOption(o.modules, available) : plan.detectModules(appCode, available);
  const items = plan.CORE_BUNDLES.filter((b) => available.includes(b)).concat(modules).map((name) => ({ target: 'storage', name, data: bundleData(o.dist, name) }));
  const web = plan.planWebFiles(path.join(root, 'www'), board.webFiles.rootPath);
  for (const item of web.items) items.push(item);
  const boot = bootCode(board, appCode, { httpPort: o.httpPort });
  items.push({ target: 'storage', name: '.bootcde', data: boot });

  const repl = o.espruino ? await spawnEspruino(o.espruino) : await connectPort(o.port, o.baud);
  let failed = null;
  const log = o.log ? fs.openSync(o.log, 'w') : null;
  repl.onLine = (line) => {
    if (log !== null) fs.writeSync(log, '[' + lastRow + '] ' + line + '\n');
    if (/OUT OF MEMORY|Out of Memory/i.test(line)) failed = failed || line.trim() + ' (in the step after "' + lastRow + '")';
  };
  try {
    const mem = await repl.evaluate('process.memory()');
    const version = await repl.evaluate('process.version');
    const boardName = await repl.evaluate('process.env.BOARD');
    figures.interpreter = { bin: o.espruino || o.port, version, board: boardName, total: mem.total, blocksize: mem.blocksize };
    console.log('Espruino ' + version + ' (' + boardName + '), ' + mem.total + ' variables of ' + mem.blocksize + ' bytes' + (o.espruino ? ': ' + o.espruino : ''));
    console.log('Bundles: ' + items.filter((i) => i.name.indexOf('MicroWebSrv2') === 0).map((i) => i.name + ' ' + i.data.length + ' B').join(', '));
    if (o.port) await repl.run('reset()').catch(() => {});
    await writeItems(repl, items);

    const modulesMeasure = await measureModules(repl, modules);
    row('interpreter at rest', modulesMeasure.rest);
    for (const m of modulesMeasure.results) row('+ ' + m.name + (m.part ? ' (on demand, then released)' : ' (from Storage)'), m.vars, m.error);
    if (modulesMeasure.results.every((m) => m.vars !== null)) {
      row('  core and modules together', modulesMeasure.results.filter((m) => !m.part).reduce((n, m) => n + m.vars, 0));
    }

    // The demo boots as a board boots it: load() resets the interpreter and runs .bootcde.
    const started = repl.waitFor((l) => (/Server listening/.test(l) ? true : /^Uncaught|MEMORY/.test(l) ? false : undefined), 60000, 'the demo to start');
    await repl.send('\x10load()\n');
    if (!(await started)) {
      const oom = repl.lines.slice(-8).some((l) => /MEMORY/.test(l));
      throw new Error('the demo did not start' + (oom ? ': OUT OF MEMORY while booting (' + (await freeVars(repl)) + ' vars free after)' : ': ' + repl.lines.slice(-5).join(' | ')));
    }
    await sleep(300);
    // This tool's own helpers (the breakdowns below) take variables too: measured here and left out
    // of every figure from here on.
    const beforeHelpers = await repl.usage();
    for (const line of probe.DEFINE_HELPERS) await repl.run(line);
    let base = modulesMeasure.rest + (await repl.usage()) - beforeHelpers;
    const demoStarted = await repl.usage();
    row('demo started (core, modules, routes, server)', demoStarted - base, 'absolute ' + demoStarted + ' of ' + mem.total);

    const host = o.httpHost;
    const warm = await warmUp(host, o.httpPort);
    await waitNoConnections(repl, 10000);
    const withPart = await settledUsage(repl);
    row('demo after warm-up, parts loaded', withPart - base, 'statuses ' + JSON.stringify(warm.statuses) + '; absolute ' + withPart);
    // The parts go once unused for their idle time (src/core/platform/partLoader.ts): the idle figure.
    await waitPartReleased(repl, 20000);
    const idle = await settledUsage(repl);
    // Idle, without this tool's helpers: what the flood's figure is compared with.
    const idleVars = idle - base;
    row('demo idle (parts released)', idleVars, 'absolute ' + idle + ' (with ' + (base - modulesMeasure.rest) +
      ' of this tool\'s helpers), free ' + (mem.total - idle));

    // Keep-alive connections, held open after one request each (measured before RequestsTimeoutSec closes them).
    const silent = await load.openSilent(host, o.httpPort, o.connections);
    await sleep(100);
    const withSilent = await repl.usage();
    row('per open connection, before its request', Math.round((withSilent - idle) / o.connections), o.connections + ' open: ' + (withSilent - idle) + ' vars');
    await load.closeAll(silent);
    await waitNoConnections(repl, 10000);
    // A request loads the HTTP part, kept while requests come (and partSettings.idleMs after): the
    // per-connection figures are measured with it loaded.
    const loadedBy = await httpPartLoaded(repl, host, o.httpPort);
    const withHttp = loadedBy.usage;
    const warmMs = await warmRequestMs(host, o.httpPort);
    await waitNoConnections(repl, 10000);
    row('HTTP part, loaded by a request', withHttp - idle, 'released again when idle; that request took ' + loadedBy.ms +
      ' ms, the same one with the part loaded ' + warmMs + ' ms (new connection each)');
    const ka = await load.openKeepAlive(host, o.httpPort, o.connections, '/api/args/1/name');
    // Settled: right after the last answer, that request and its response are still being sent.
    const withKeepAlive = await settledUsage(repl, 3000);
    const perConn = Math.round((withKeepAlive - withHttp) / o.connections);
    row('per open keep-alive connection (after a request)', perConn, o.connections + ' open: ' + (withKeepAlive - withHttp) + ' vars, statuses ' + ka.statuses.join(','));
    const connTree = await repl.evaluate(probe.connectionTreeExpression(0));
    if (connTree) figures.connectionTree = connTree;
    await load.closeAll(ka.sockets);
    await waitNoConnections(repl, 10000);
    await waitPartReleased(repl, 20000);
    const beforeWs = (await httpPartLoaded(repl, host, o.httpPort)).usage;

    let sockets = [];
    if (modules.indexOf('MicroWebSrv2.WebSockets') >= 0) {
      // The first WebSocket loads the module's part (the WebSocket class, frame reader and writer),
      // which stays loaded while any WebSocket is open: it is counted apart from the per-socket figure.
      sockets = await load.openWebSockets(host, o.httpPort, 1, '/wstest');
      const withFirst = await settledUsage(repl, 3000);
      row('first WebSocket, with the part it loads', withFirst - beforeWs, 'the part stays loaded while a WebSocket is open');
      // A board short of memory refuses some (503): noted, and the measurement goes on with those open.
      let refused = '';
      for (let i = 1; i < o.websockets; i++) {
        try {
          sockets = sockets.concat(await load.openWebSockets(host, o.httpPort, 1, '/wstest'));
        } catch (e) {
          refused += (refused ? '; ' : '') + 'WebSocket ' + (i + 1) + ': ' + e.message.replace(/^WebSocket 1 /, '');
        }
      }
      const withWs = await settledUsage(repl, 3000);
      const more = Math.max(sockets.length - 1, 1);
      const perWs = Math.round((withWs - withFirst) / more);
      // A WebSocket is the connection it upgraded plus the WebSocket object: the split, by the
      // keep-alive figure above.
      row('per open WebSocket', perWs, (sockets.length - 1) + ' more open: ' + (withWs - withFirst) + ' vars; ' +
        sockets.length + ' open in all: ' + (withWs - beforeWs) + ' vars; the connection ' + perConn + ', the WebSocket ' + (perWs - perConn) +
        (refused ? '; ' + refused : ''));
      const wsTree = await repl.evaluate(probe.connectionTreeExpression(0));
      if (wsTree) figures.webSocketTree = wsTree;
    } else {
      row('per open WebSocket', null, 'WebSockets bundle not loaded');
    }

    // Both at once: the capacity the issue asks of a 4,095-variable board, without this tool's
    // helpers taking some of it (no breakdown is made from here on).
    await repl.run(probe.REMOVE_HELPERS);
    base = modulesMeasure.rest;
    const both = await load.openKeepAlive(host, o.httpPort, o.connections, '/api/args/1/name').catch((e) => ({ error: e.message, sockets: [] }));
    const withBoth = await repl.usage().catch(() => null);
    const statuses = both.statuses ? both.statuses.join(',') : both.error;
    row(o.connections + ' keep-alive + ' + sockets.length + ' WebSockets at once', withBoth === null ? null : withBoth - base,
      withBoth === null ? 'no answer' : 'free ' + (mem.total - withBoth) + '; keep-alive statuses ' + statuses);
    await load.closeAll(sockets.concat(both.sockets || []));
    await waitNoConnections(repl, 10000);

    if (o.requests > 0) {
      if (!isLoopback(host)) {
        note('flood skipped: it only runs against a loopback address (the demo on this machine)');
      } else {
        await waitPartReleased(repl, 20000);
        const before = await settledUsage(repl);
        const res = await load.flood('http://' + host + ':' + o.httpPort, o.requests, {
          connections: 4, timeLimitMs: o.timeLimit * 1000,
          onProgress: (n) => process.stdout.write('    ' + n + ' requests\r'),
        });
        await waitNoConnections(repl, 15000);
        await waitPartReleased(repl, 20000);
        const after = await settledUsage(repl);
        const grown = after - before;
        if (grown > o.maxGrowth) {
          failed = failed || 'the usage grew by ' + grown + ' vars over ' + res.sent + ' requests (' + (before - base) + ' before, ' +
            (after - base) + ' after, parts released both times; limit --max-growth ' + o.maxGrowth + ')';
        }
        row('after ' + res.sent + ' requests (growth vs idle)', after - base - idleVars,
          (res.ms / 1000).toFixed(1) + ' s, ' + Math.round(res.sent / (res.ms / 1000)) + ' req/s, statuses ' + JSON.stringify(res.statuses) +
          (res.errors ? ', ' + res.errors + ' errors: ' + res.firstErrors.join('; ') : '') + '; before flood ' + (before - base) +
          ', grown ' + grown + ' over the flood');
        figures.flood = res;
      }
    }
    if (failed) note('the interpreter reported: ' + failed);
  } catch (e) {
    note('stopped: ' + e.message.split('\n')[0]);
    note('last console lines: ' + JSON.stringify(repl.lines.slice(-6)));
    failed = failed || e.message;
  } finally {
    await repl.close();
  }

  if (figures.connectionTree) {
    console.log('\n  One keep-alive connection, by object (own vars; see docs/MEMORY.md):');
    for (const l of probe.formatTree(figures.connectionTree, 'Connection', '    ', mangledNames(o.dist))) console.log(l);
  }
  if (figures.webSocketTree) {
    console.log('\n  One WebSocket, by object:');
    for (const l of probe.formatTree(figures.webSocketTree, 'Connection', '    ', mangledNames(o.dist))) console.log(l);
  }

  if (o.ram && o.espruino) {
    console.log('\n  Loading from RAM (code sent as text, as the Web IDE does) vs from Storage, fresh interpreter each:');
    for (const name of plan.CORE_BUNDLES.filter((b) => available.includes(b)).concat(modules)) {
      const code = bundleData(o.dist, name);
      const coreCode = name === plan.CORE_BUNDLE ? null : bundleData(o.dist, plan.CORE_BUNDLE);
      const storage = await (async () => {
        const repl = await spawnEspruino(o.espruino);
        try {
          await writeItems(repl, (coreCode ? [{ name: plan.CORE_BUNDLE, data: coreCode }] : []).concat([{ name, data: code }]));
          if (coreCode) await repl.run('var __mws2c=require(' + JSON.stringify(plan.CORE_BUNDLE) + ')', 60000);
          const rest = await repl.usage();
          await repl.run('var __mws2m=require(' + JSON.stringify(name) + ')', 60000);
          return { loaded: (await repl.usage()) - rest };
        } catch (e) {
          return { error: /MEMORY/i.test(e.message) ? 'OUT OF MEMORY' : e.message.slice(0, 120) };
        } finally {
          await repl.close();
        }
      })();
      const ram = await measureRamLoad(o.espruino, name, code, coreCode);
      const text = ram.error ? ram.error + (ram.free !== null && ram.free !== undefined ? ' (' + ram.free + ' free after)' : '') : ram.loaded + ' vars (' + ram.cached + ' before require)';
      row('  ' + name + ' from Storage / from RAM', storage.error ? storage.error : storage.loaded, 'RAM: ' + text);
      figures.rows[figures.rows.length - 1].ram = ram;
    }
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(figures, null, 2) + '\n');
  // The closing line CI reads.
  if (failed) {
    console.log('\nmem: FAILED: ' + failed);
    process.exitCode = 1;
  } else {
    console.log('\nmem: ok (the interpreter never ran out of memory' + (figures.flood ? '; usage back after ' + figures.flood.sent + ' requests' : '') + ')');
  }
}

main().catch((err) => {
  console.error('mem failed: ' + (err && err.stack ? err.stack : err));
  process.exit(1);
});
