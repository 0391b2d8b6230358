'use strict';
// The shim-only tls.createServer: same socket semantics as net, over a Node TLS server, checked
// with a self-signed certificate made by openssl at test time (skipped when openssl is missing).
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tls = require('node:tls');
const { createEspruinoContext } = require('../shim');

function makeSelfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-tls-test-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    return { key: fs.readFileSync(keyFile, 'latin1'), cert: fs.readFileSync(certFile, 'latin1') };
  } catch (error) {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('shim tls server', function () {
  this.timeout(20000);
  let pem;
  let ctx;
  before(function () {
    pem = makeSelfSignedCertificate();
    if (!pem) this.skip();
  });
  afterEach(async function () {
    if (ctx) await ctx.close();
    ctx = null;
  });

  it('answers a Node TLS client with 536-byte data events and Espruino close events', async function () {
    ctx = createEspruinoContext({ log: () => {} });
    ctx.global.pem = pem;
    ctx.run(`var events = [];
      var server = require('tls').createServer({ key: pem.key, cert: pem.cert }, function (socket) {
        var got = 0;
        socket.on('data', function (d) {
          events.push(d.length);
          got += d.length;
          if (got === 1200) { events.push(socket.write('ok:' + got)); socket.end(); }
        });
        socket.on('end', function () { events.push('end'); });
        socket.on('close', function (hadError) { events.push('close:' + hadError); });
      }).listen(0);`);
    const port = await ctx.listening(ctx.global.server);
    const client = tls.connect({ port, host: '127.0.0.1', ca: pem.cert, servername: 'localhost' });
    await new Promise((resolve, reject) => { client.on('secureConnect', resolve); client.on('error', reject); });
    let reply = '';
    client.on('data', (chunk) => { reply += chunk.toString('latin1'); });
    client.write(Buffer.alloc(1200, 0x61));
    await new Promise((resolve) => client.on('end', resolve));
    assert.strictEqual(reply, 'ok:1200');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const events = Array.from(ctx.global.events);
    const pieces = events.slice(0, -3);
    assert.ok(pieces.every((length) => length <= 536), 'data pieces are at most 536 bytes');
    assert.strictEqual(pieces.reduce((sum, length) => sum + length, 0), 1200);
    assert.deepStrictEqual(events.slice(-3), [false, 'end', 'close:false']);
    client.destroy();
  });
});
