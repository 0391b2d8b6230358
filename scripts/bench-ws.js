#!/usr/bin/env node
// Echo round-trips per second through the WebSockets module on the Node shim, next to a plain `ws`
// WebSocketServer echo measured in the same run, so the ratio says what the shim + module cost
// rather than what this machine is worth. A measure, not a test: it only prints.
//
//   node scripts/bench-ws.js [--seconds 2.5] [--clients 1] [--size 32] [--binary]
//
// Each client keeps one message in flight (send, wait for the echo, send again); all run for
// --seconds against each server in turn, on 127.0.0.1 only. Build first (npm run build).
'use strict';

const { freePort } = require('../test/helpers/app');
const path = require('path');
const WebSocket = require('ws');
const { createEspruinoContext } = require('../shim');
const { loadBundles } = require('./lib/bundles');

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  return value === undefined || value.startsWith('--') ? true : value;
}

const seconds = Number(option('seconds', 2.5));
const clients = Number(option('clients', 1));
const size = Number(option('size', 32));
const binary = option('binary', false) === true;

async function startShimEcho(port) {
  const ctx = createEspruinoContext({ fsRoot: path.resolve(__dirname, '..'), log: () => {} });
  loadBundles(ctx);
  ctx.run(`
    var lib = require('MicroWebSrv2');
    var wsMod = lib.MicroWebSrv2.LoadModule('WebSockets');
    wsMod.OnWebSocketAccepted = function (m, ws) {
      ws.OnTextMessage = function (w, msg) { w.SendTextMessage(msg); };
      ws.OnBinaryMessage = function (w, msg) { w.SendBinaryMessage(msg); };
    };
    var mws2 = new lib.MicroWebSrv2();
    mws2.SetNormalConfig();
    mws2.BindAddress = ['127.0.0.1', ${port}];
    mws2.StartManaged();
  `, 'bench-app.js');
  return { close: async () => { ctx.run('mws2.Stop();'); await ctx.close(); } };
}

async function startWsEcho(port) {
  const server = new WebSocket.WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise((r) => server.on('listening', r));
  return {
    close: () => new Promise((r) => {
      for (const c of server.clients) c.terminate();
      server.close(r);
    }),
  };
}

/** Runs `clients` ping-pong loops for `seconds`; resolves the total number of round trips. */
async function measure(port) {
  const payload = binary ? Buffer.alloc(size, 0xa5) : 'x'.repeat(size);
  const sockets = await Promise.all(Array.from({ length: clients }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })));
  let roundTrips = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on('message', (data) => {
      if (data.length !== size) throw new Error(`echo of ${data.length} bytes, expected ${size}`);
      roundTrips++;
      if (running) ws.send(payload);
    });
  }
  const started = process.hrtime.bigint();
  for (const ws of sockets) ws.send(payload);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(sockets.map((ws) => new Promise((r) => { ws.once('close', r); ws.close(); })));
  return roundTrips / elapsed;
}

async function run(name, start) {
  const port = await freePort();
  const server = await start(port);
  try {
    return await measure(port);
  } finally {
    await server.close();
  }
}

(async () => {
  const shim = await run('shim', startShimEcho);
  const baseline = await run('ws', startWsEcho);
  const kind = `${clients} client(s), ${size}-byte ${binary ? 'binary' : 'text'} messages, one in flight each, ${seconds} s per server`;
  console.log(`WebSocket echo round-trips per second (${kind})`);
  console.log(`  MicroWebSrv2 WebSockets on the Espruino shim: ${shim.toFixed(0)}/s`);
  console.log(`  ws WebSocketServer (baseline, same process):  ${baseline.toFixed(0)}/s`);
  console.log(`  ratio shim / baseline: ${(shim / baseline).toFixed(3)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
