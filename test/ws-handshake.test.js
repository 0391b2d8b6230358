'use strict';
// WebSocket opening handshake helpers (RFC 6455 §4.2): Sec-WebSocket-Accept and the upgrade checks.

const assert = require('assert');
const fc = require('fast-check');
const nodeCrypto = require('crypto');
const { acceptKey, checkUpgradeRequest, hasToken } = require('../build/lib/modules/WebSockets/handshake/handshake');

const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** Node's SHA-1 as a binary string, as Espruino's SHA1 result would be after conversion. */
function sha1Binary(s) {
  return nodeCrypto.createHash('sha1').update(Buffer.from(s, 'latin1')).digest().toString('latin1');
}

/** Node's SHA-1 as an ArrayBuffer, the type Espruino's require('crypto').SHA1 returns. */
function sha1ArrayBuffer(s) {
  const digest = nodeCrypto.createHash('sha1').update(Buffer.from(s, 'latin1')).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
}

function validHeaders() {
  return {
    host: 'server.example.com',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': RFC_KEY,
    'sec-websocket-version': '13',
    origin: 'http://example.com',
  };
}

function check(overrides, method) {
  const headers = Object.assign(validHeaders(), overrides);
  for (const name of Object.keys(headers)) if (headers[name] === undefined) delete headers[name];
  return checkUpgradeRequest(method || 'GET', headers);
}

describe('acceptKey', function () {
  it('gives the RFC 6455 example answer from a binary-string SHA-1', function () {
    assert.strictEqual(acceptKey(RFC_KEY, sha1Binary), RFC_ACCEPT);
  });

  it('gives the same answer from an ArrayBuffer SHA-1 (Espruino\'s return type)', function () {
    assert.strictEqual(acceptKey(RFC_KEY, sha1ArrayBuffer), RFC_ACCEPT);
  });

  it('hashes the key followed by the RFC 6455 GUID', function () {
    let hashed;
    acceptKey('abc', (s) => { hashed = s; return sha1Binary(s); });
    assert.strictEqual(hashed, 'abc258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
  });

  it('uses require(\'crypto\').SHA1 by default, as on Espruino', function () {
    assert.strictEqual(nodeCrypto.SHA1, undefined);
    nodeCrypto.SHA1 = sha1ArrayBuffer;
    try {
      assert.strictEqual(acceptKey(RFC_KEY), RFC_ACCEPT);
    } finally {
      delete nodeCrypto.SHA1;
    }
  });

  it('property: matches base64(SHA-1(key + GUID)) computed by Node', function () {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const key = Buffer.from(bytes).toString('base64');
      const expected = nodeCrypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
      assert.strictEqual(acceptKey(key, sha1Binary), expected);
    }));
  });
});

describe('checkUpgradeRequest', function () {
  it('accepts the RFC 6455 example request with status 101, its key and no protocols', function () {
    assert.deepStrictEqual(check({}), {
      ok: true, status: 101, reason: 'Switching Protocols', protocols: [], key: RFC_KEY,
    });
  });

  it('lists the offered subprotocols trimmed, in order, without empty entries', function () {
    const result = check({ 'sec-websocket-protocol': ' chat, , superchat ,' });
    assert.strictEqual(result.ok, true);
    assert.deepStrictEqual(result.protocols, ['chat', 'superchat']);
  });

  it('accepts token lists and any letter case in Connection and Upgrade', function () {
    assert.strictEqual(check({ connection: 'keep-alive, Upgrade' }).ok, true);
    assert.strictEqual(check({ connection: 'UPGRADE' }).ok, true);
    assert.strictEqual(check({ upgrade: 'WebSocket' }).ok, true);
    assert.strictEqual(check({ upgrade: 'h2c, websocket' }).ok, true);
  });

  it('answers 405 to a method other than GET', function () {
    for (const method of ['POST', 'HEAD', 'get']) {
      const result = check({}, method);
      assert.strictEqual(result.ok, false);
      assert.strictEqual(result.status, 405);
      assert.strictEqual(typeof result.reason, 'string');
    }
  });

  it('answers 400 when Connection lacks the upgrade token (no substring match)', function () {
    for (const connection of [undefined, '', 'keep-alive', 'Upgrade-Insecure', 'upgrades', 'close,upgradex']) {
      const result = check({ connection: connection });
      assert.deepStrictEqual([result.ok, result.status], [false, 400], String(connection));
    }
  });

  it('answers 400 when Upgrade lacks the websocket token', function () {
    for (const upgrade of [undefined, '', 'h2c', 'websockets', 'websocket/13x']) {
      const result = check({ upgrade: upgrade });
      assert.deepStrictEqual([result.ok, result.status], [false, 400], String(upgrade));
    }
  });

  it('answers 426 unless Sec-WebSocket-Version is exactly 13', function () {
    for (const version of [undefined, '', '8', '12', '14', '13, 8', '013']) {
      const result = check({ 'sec-websocket-version': version });
      assert.deepStrictEqual([result.ok, result.status], [false, 426], String(version));
    }
  });

  it('answers 400 when Sec-WebSocket-Key is missing or not base64 of 16 bytes', function () {
    const bad = [undefined, '', 'abc', 'dGhlIHNhbXBsZSBub25jZQ=', 'dGhlIHNhbXBsZSBub25jZQ===',
      'dGhlIHNhbXBsZSBub25jZQAA', 'dGhlIHNhbXBsZSBub25j*Q==', 'dGhlIHNhbXBsZSBub25jZQ==dGhl'];
    for (const key of bad) {
      const result = check({ 'sec-websocket-key': key });
      assert.deepStrictEqual([result.ok, result.status], [false, 400], String(key));
    }
  });

  it('accepts any 16-byte key base64-encoded, even with + and /', function () {
    assert.strictEqual(check({ 'sec-websocket-key': '+/+/+/+/+/+/+/+/+/+/+w==' }).ok, true);
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const key = Buffer.from(bytes).toString('base64');
      const result = check({ 'sec-websocket-key': key });
      assert.strictEqual(result.ok, true);
      assert.strictEqual(result.key, key);
    }));
  });

  it('checks the method first, then the upgrade tokens, the version and the key', function () {
    assert.strictEqual(check({ connection: 'close', 'sec-websocket-version': '8' }, 'POST').status, 405);
    assert.strictEqual(check({ upgrade: 'h2c', 'sec-websocket-version': '8' }).status, 400);
    assert.strictEqual(check({ 'sec-websocket-version': '8', 'sec-websocket-key': 'bad' }).status, 426);
  });
});

describe('hasToken', function () {
  it('finds a token in a comma-separated list, ignoring case and spaces', function () {
    assert.strictEqual(hasToken('keep-alive, Upgrade', 'upgrade'), true);
    assert.strictEqual(hasToken(' upgrade ', 'Upgrade'), true);
    assert.strictEqual(hasToken('a,b,,c', 'c'), true);
  });

  it('never matches a substring of a token', function () {
    assert.strictEqual(hasToken('Upgrade-Insecure', 'upgrade'), false);
    assert.strictEqual(hasToken('keep-alive, myupgrade', 'upgrade'), false);
    assert.strictEqual(hasToken('keep-alive', 'alive'), false);
  });

  it('is false for a missing or empty header', function () {
    assert.strictEqual(hasToken(undefined, 'upgrade'), false);
    assert.strictEqual(hasToken('', 'upgrade'), false);
  });
});
