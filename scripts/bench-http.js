#!/usr/bin/env node
// HTTP throughput of the server on the Node shim, as a ratio against a baseline measured in the same
// run (these machines are noisy: absolute numbers mean little, ratios a lot more).
//
//   node scripts/bench-http.js [--seconds 3] [--connections 8]
//
// Baseline: Node's own http server answering the same JSON. Cases: a small JSON route, a static file
// (www/style.css), and the same route with a new connection per request. Localhost only, bounded in
// time. Needs `npm run build` first.
'use strict';

const http = require('http');
const { Agent, request } = require('undici');
const { startApp, standardApp } = require('../test/helpers/app');

function option(name, fallback) {
  const at = process.argv.indexOf('--' + name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const SECONDS = option('seconds', 3);
const CONNECTIONS = option('connections', 8);

/** Requests per second against `url`, `connections` at a time, for SECONDS. */
async function measure(url, { connections = CONNECTIONS, keepAlive = true } = {}) {
  const dispatcher = new Agent({ connections, pipelining: 1, keepAliveTimeout: keepAlive ? 10000 : 1 });
  const deadline = Date.now() + SECONDS * 1000;
  let count = 0;
  let errors = 0;
  async function worker() {
    while (Date.now() < deadline) {
      try {
        const res = await request(url, { dispatcher, headers: keepAlive ? {} : { connection: 'close' } });
        await res.body.arrayBuffer();
        if (res.statusCode === 200) count++;
        else errors++;
      } catch (e) {
        errors++;
      }
    }
  }
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (Date.now() - started) / 1000;
  await dispatcher.close();
  return { rps: count / elapsed, errors };
}

async function main() {
  const baseline = http.createServer((req, res) => {
    const body = JSON.stringify({ hello: 'world' });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise((resolve) => baseline.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${baseline.address().port}`;

  const app = await startApp(standardApp(`
    WebRoute(GET, '/json', function (m, request) { request.Response.ReturnOkJSON({ hello: 'world' }); });
  `, 'mws2.SetNormalConfig(); mws2.RequestsTimeoutSec = 10;'));

  const rows = [];
  const base = await measure(baseUrl + '/json');
  rows.push(['node http (baseline), JSON', base]);
  rows.push(['MicroWebSrv2 on the shim, JSON route', await measure(app.url + '/json')]);
  rows.push(['MicroWebSrv2 on the shim, static style.css', await measure(app.url + '/style.css')]);
  rows.push(['MicroWebSrv2 on the shim, JSON, new connection each', await measure(app.url + '/json', { keepAlive: false })]);
  const baseNew = await measure(baseUrl + '/json', { keepAlive: false });
  rows.push(['node http (baseline), JSON, new connection each', baseNew]);

  console.log(`HTTP benchmark: ${SECONDS} s per case, ${CONNECTIONS} connections, node ${process.version}`);
  for (const [name, r] of rows) {
    const against = name.includes('new connection') ? baseNew.rps : base.rps;
    console.log(`  ${name.padEnd(52)} ${r.rps.toFixed(0).padStart(7)} req/s  ${(r.rps / against).toFixed(2)}x baseline` +
      (r.errors ? `  (${r.errors} errors)` : ''));
  }
  await app.close();
  baseline.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
