'use strict';
// WebSocket frame layer (RFC 6455 §5): FrameReader (client -> server), FrameWriter (server -> client)
// and the close codes. Frames are written as hex so every byte on the wire is pinned.

const assert = require('assert');
const fc = require('fast-check');
const { FrameReader } = require('../build/lib/modules/WebSockets/socket/FrameReader');
const writer = require('../build/lib/modules/WebSockets/socket/FrameWriter');
const closeCodes = require('../build/lib/modules/WebSockets/socket/closeCodes');

/** '81 05 48' -> binary string. */
function hex(text) {
  const digits = text.replace(/\s+/g, '');
  let out = '';
  for (let i = 0; i < digits.length; i += 2) out += String.fromCharCode(parseInt(digits.substr(i, 2), 16));
  return out;
}

function toHex(bytes) {
  const parts = [];
  for (let i = 0; i < bytes.length; i++) parts.push((bytes.charCodeAt(i) + 0x100).toString(16).slice(1));
  return parts.join(' ');
}

function utf8(text) {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function repeatByte(code, count) {
  return String.fromCharCode(code).repeat(count);
}

const RFC_KEY = hex('37 fa 21 3d');

/** A client frame built independently of FrameWriter: first byte, payload, optional mask key. */
function clientFrame(firstByte, payload, maskKey) {
  const maskBit = maskKey === undefined ? 0 : 0x80;
  let header = String.fromCharCode(firstByte);
  const n = payload.length;
  if (n < 126) header += String.fromCharCode(maskBit | n);
  else if (n < 65536) header += String.fromCharCode(maskBit | 126, n >> 8, n & 255);
  else {
    header += String.fromCharCode(maskBit | 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  }
  if (maskKey === undefined) return header + payload;
  let body = '';
  for (let i = 0; i < n; i++) body += String.fromCharCode(payload.charCodeAt(i) ^ maskKey.charCodeAt(i % 4));
  return header + maskKey + body;
}

function masked(firstByte, payload) {
  return clientFrame(firstByte, payload, RFC_KEY);
}

/** A reader whose events land in `log` as plain arrays, in order. */
function recorder(options) {
  const log = [];
  const reader = new FrameReader(Object.assign({ maxMessageLength: 1 << 20, requireMask: true }, options), {
    onText: (text) => log.push(['text', text]),
    onBinary: (bytes) => log.push(['binary', bytes]),
    onPing: (payload) => log.push(['ping', payload]),
    onPong: (payload) => log.push(['pong', payload]),
    onClose: (code, reason) => log.push(['close', code, reason]),
    onProtocolError: (code, reason) => log.push(['error', code, typeof reason]),
  });
  return { reader, log };
}

function readAll(bytes, options) {
  const r = recorder(options);
  r.reader.feed(bytes);
  return r;
}

function assertError(bytes, code, options) {
  const r = readAll(bytes, options);
  assert.deepStrictEqual(r.log, [['error', code, 'string']]);
  assert.strictEqual(r.reader.state, 'failed');
  return r;
}

describe('FrameReader', function () {
  describe('single frames', function () {
    it('decodes the RFC 6455 masked "Hello" text frame', function () {
      const r = readAll(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'));
      assert.deepStrictEqual(r.log, [['text', 'Hello']]);
      assert.strictEqual(r.reader.state, 'header');
    });

    it('accepts the RFC 6455 unmasked "Hello" frame when masks are not required', function () {
      const r = readAll(hex('81 05 48 65 6c 6c 6f'), { requireMask: false });
      assert.deepStrictEqual(r.log, [['text', 'Hello']]);
    });

    it('fails with 1002 on an unmasked frame when masks are required', function () {
      assertError(hex('81 05 48 65 6c 6c 6f'), 1002);
    });

    it('delivers a masked binary frame holding every byte value unchanged', function () {
      let all = '';
      for (let b = 0; b < 256; b++) all += String.fromCharCode(b);
      const r = readAll(masked(0x82, all));
      assert.deepStrictEqual(r.log, [['binary', all]]);
    });

    it('decodes multi-byte UTF-8 text into a JavaScript string', function () {
      const r = readAll(masked(0x81, hex('63 61 66 c3 a9 20 f0 9f 98 80')));
      assert.deepStrictEqual(r.log, [['text', 'caf\u00e9 \ud83d\ude00']]);
    });

    it('delivers empty text and empty binary messages', function () {
      const r = readAll(hex('81 80 37 fa 21 3d') + hex('82 80 37 fa 21 3d') + hex('81 00') + hex('82 00'),
        { requireMask: false });
      assert.deepStrictEqual(r.log, [['text', ''], ['binary', ''], ['text', ''], ['binary', '']]);
    });

    it('processes several frames of one chunk in order', function () {
      const chunk = masked(0x81, 'one') + masked(0x89, 'p') + masked(0x82, hex('00 ff')) + masked(0x8a, '') + masked(0x81, 'two');
      const r = readAll(chunk);
      assert.deepStrictEqual(r.log, [['text', 'one'], ['ping', 'p'], ['binary', hex('00 ff')], ['pong', ''], ['text', 'two']]);
    });

    it('names the state waiting for each part of the header', function () {
      const r = recorder();
      assert.strictEqual(r.reader.state, 'header');
      r.reader.feed(hex('82'));
      assert.strictEqual(r.reader.state, 'header');
      r.reader.feed(hex('fe'));
      assert.strictEqual(r.reader.state, 'length16');
      r.reader.feed(hex('00 80'));
      assert.strictEqual(r.reader.state, 'mask');
      r.reader.feed(hex('37 fa 21'));
      assert.strictEqual(r.reader.state, 'mask');
      r.reader.feed(hex('3d'));
      assert.strictEqual(r.reader.state, 'payload');
      r.reader.feed(repeatByte(0, 127));
      assert.strictEqual(r.reader.state, 'payload');
      r.reader.feed(repeatByte(0, 1));
      assert.strictEqual(r.reader.state, 'header');
      assert.strictEqual(r.log.length, 1);
      r.reader.feed(hex('82 ff'));
      assert.strictEqual(r.reader.state, 'length64');
    });
  });

  describe('payload lengths', function () {
    it('reads a 16-bit length (126 bytes, the smallest allowed)', function () {
      const payload = repeatByte(0x41, 126);
      const frame = masked(0x82, payload);
      assert.strictEqual(toHex(frame.substring(0, 4)), '82 fe 00 7e');
      assert.deepStrictEqual(readAll(frame).log, [['binary', payload]]);
    });

    it('reads a 16-bit length of 65535', function () {
      const payload = repeatByte(0x42, 65535);
      const frame = masked(0x82, payload);
      assert.strictEqual(toHex(frame.substring(0, 4)), '82 fe ff ff');
      assert.deepStrictEqual(readAll(frame).log, [['binary', payload]]);
    });

    it('reads a 64-bit length (65536 bytes, the smallest allowed)', function () {
      let payload = '';
      for (let i = 0; i < 65536; i++) payload += String.fromCharCode((i * 7) & 255);
      const frame = masked(0x82, payload);
      assert.strictEqual(toHex(frame.substring(0, 10)), '82 ff 00 00 00 00 00 01 00 00');
      assert.deepStrictEqual(readAll(frame).log, [['binary', payload]]);
    });

    it('fails with 1002 on a 16-bit length below 126 (non-minimal encoding)', function () {
      assertError(hex('82 fe 00 7d'), 1002);
    });

    it('fails with 1002 on a 64-bit length below 65536 (non-minimal encoding)', function () {
      assertError(hex('82 ff 00 00 00 00 00 00 ff ff'), 1002);
    });

    it('fails with 1002 on a 64-bit length with its most significant bit set', function () {
      assertError(hex('82 ff 80 00 00 00 00 01 00 00'), 1002, { maxMessageLength: Infinity });
    });

    it('fails with 1009 on a 64-bit length beyond 2^53', function () {
      assertError(hex('82 ff 00 20 00 00 00 00 00 01'), 1009, { maxMessageLength: Infinity });
      assertError(hex('82 ff 7f ff ff ff ff ff ff ff'), 1009, { maxMessageLength: Infinity });
    });

    it('accepts a 64-bit length of exactly 2^53 when no maximum applies, waiting for the payload', function () {
      const r = readAll(hex('82 ff 00 20 00 00 00 00 00 00 37 fa 21 3d 00'), { maxMessageLength: Infinity });
      assert.deepStrictEqual(r.log, []);
      assert.strictEqual(r.reader.state, 'payload');
    });
  });

  describe('maxMessageLength', function () {
    it('fails with 1009 from the header alone, before any payload byte arrives', function () {
      const r = recorder({ maxMessageLength: 10 });
      r.reader.feed(hex('82 8b'));
      assert.deepStrictEqual(r.log, [['error', 1009, 'string']]);
      assert.strictEqual(r.reader.state, 'failed');
    });

    it('fails with 1009 on a 64-bit length over the maximum, before the mask key', function () {
      const r = recorder({ maxMessageLength: 100000 });
      r.reader.feed(hex('82 ff 00 00 00 00 00 01 86 a1'));
      assert.deepStrictEqual(r.log, [['error', 1009, 'string']]);
    });

    it('accepts a message of exactly maxMessageLength bytes', function () {
      const r = readAll(masked(0x81, 'abcdefghij'), { maxMessageLength: 10 });
      assert.deepStrictEqual(r.log, [['text', 'abcdefghij']]);
    });

    it('counts all fragments of a message: fails with 1009 when a continuation would exceed it', function () {
      const r = readAll(masked(0x01, 'abcdef') + masked(0x80, 'ghijk'), { maxMessageLength: 10 });
      assert.deepStrictEqual(r.log, [['error', 1009, 'string']]);
    });

    it('starts counting afresh for each message', function () {
      const r = readAll(masked(0x81, 'abcdefgh') + masked(0x01, 'abcde') + masked(0x80, 'fghij'), { maxMessageLength: 10 });
      assert.deepStrictEqual(r.log, [['text', 'abcdefgh'], ['text', 'abcdefghij']]);
    });

    it('does not count interleaved control frames against the message', function () {
      const r = readAll(masked(0x01, 'abcde') + masked(0x89, 'pingpingping') + masked(0x80, 'fghij'), { maxMessageLength: 10 });
      assert.deepStrictEqual(r.log, [['ping', 'pingpingping'], ['text', 'abcdefghij']]);
    });
  });

  describe('header bits and opcodes', function () {
    for (const [bit, name] of [[0x40, 'RSV1'], [0x20, 'RSV2'], [0x10, 'RSV3']]) {
      it('fails with 1002 when ' + name + ' is set without an extension', function () {
        assertError(masked(0x81 | bit, 'x'), 1002);
      });
    }

    for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
      it('fails with 1002 on reserved opcode ' + opcode, function () {
        assertError(masked(0x80 | opcode, ''), 1002);
      });
    }
  });

  describe('fragmentation', function () {
    it('reassembles the RFC 6455 fragmented unmasked "Hello"', function () {
      const r = readAll(hex('01 03 48 65 6c') + hex('80 02 6c 6f'), { requireMask: false });
      assert.deepStrictEqual(r.log, [['text', 'Hello']]);
    });

    it('reassembles a binary message of three fragments including an empty one', function () {
      const r = readAll(masked(0x02, hex('00 01')) + masked(0x00, '') + masked(0x80, hex('ff')));
      assert.deepStrictEqual(r.log, [['binary', hex('00 01 ff')]]);
    });

    it('validates UTF-8 on the reassembled text: a character split across fragments is fine', function () {
      const r = readAll(masked(0x01, hex('63 61 66 c3')) + masked(0x80, hex('a9')));
      assert.deepStrictEqual(r.log, [['text', 'caf\u00e9']]);
    });

    it('delivers control frames interleaved in a fragmented message at once', function () {
      const chunk = masked(0x01, 'Hel') + masked(0x89, 'ping') + masked(0x00, 'l') + masked(0x8a, 'pong') + masked(0x80, 'o');
      const r = readAll(chunk);
      assert.deepStrictEqual(r.log, [['ping', 'ping'], ['pong', 'pong'], ['text', 'Hello']]);
    });

    it('delivers a Close frame that interrupts a fragmented message and drops the fragments', function () {
      const r = readAll(masked(0x01, 'Hel') + masked(0x88, hex('03 e8')) + masked(0x80, 'lo'));
      assert.deepStrictEqual(r.log, [['close', 1000, '']]);
    });

    it('fails with 1002 on a continuation frame with no message in progress', function () {
      assertError(masked(0x80, 'x'), 1002);
      const r = readAll(masked(0x81, 'done') + masked(0x80, 'x'));
      assert.deepStrictEqual(r.log, [['text', 'done'], ['error', 1002, 'string']]);
    });

    it('fails with 1002 on a new text or binary frame while a fragmented message is in progress', function () {
      assertError(masked(0x01, 'a') + masked(0x81, 'b'), 1002);
      assertError(masked(0x02, 'a') + masked(0x02, 'b'), 1002);
    });
  });

  describe('control frames', function () {
    it('delivers the RFC 6455 masked ping and pong payloads unmasked', function () {
      const r = readAll(hex('89 85 37 fa 21 3d 7f 9f 4d 51 58') + hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'));
      assert.deepStrictEqual(r.log, [['ping', 'Hello'], ['pong', 'Hello']]);
    });

    it('accepts a control payload of 125 bytes', function () {
      const payload = repeatByte(0x7a, 125);
      assert.deepStrictEqual(readAll(masked(0x89, payload)).log, [['ping', payload]]);
    });

    it('fails with 1002 on a control payload over 125 bytes, from the header', function () {
      assertError(hex('89 fe 00 7e'), 1002);
      assertError(hex('8a ff 00 00 00 00 00 01 00 00'), 1002);
    });

    it('fails with 1002 on a fragmented (FIN=0) control frame', function () {
      assertError(masked(0x09, 'x'), 1002);
      assertError(masked(0x0a, 'x'), 1002);
      assertError(masked(0x08, ''), 1002);
    });
  });

  describe('Close frames', function () {
    it('reports an empty Close body as code null and stops reading', function () {
      const r = readAll(hex('88 80 37 fa 21 3d') + masked(0x81, 'ignored'));
      assert.deepStrictEqual(r.log, [['close', null, '']]);
      assert.strictEqual(r.reader.state, 'closed');
    });

    it('decodes the code and the UTF-8 reason', function () {
      const r = readAll(masked(0x88, hex('03 e9') + utf8('au revoir \u00e9')));
      assert.deepStrictEqual(r.log, [['close', 1001, 'au revoir \u00e9']]);
    });

    it('fails with 1002 on a Close body of one byte', function () {
      assertError(masked(0x88, hex('03')), 1002);
    });

    it('accepts every code valid on the wire', function () {
      for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
        const r = readAll(masked(0x88, String.fromCharCode(code >> 8, code & 255)));
        assert.deepStrictEqual(r.log, [['close', code, '']], 'code ' + code);
      }
    });

    it('fails with 1002 on codes not allowed on the wire', function () {
      for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]) {
        assertError(masked(0x88, String.fromCharCode(code >> 8, code & 255)), 1002);
      }
    });

    it('fails with 1007 on a reason that is not valid UTF-8', function () {
      assertError(masked(0x88, hex('03 e8 c3')), 1007);
      assertError(masked(0x88, hex('03 e8 ed a0 80')), 1007);
    });

    it('ignores any input after a Close frame, in the same chunk or later', function () {
      const r = readAll(masked(0x88, hex('03 e8')) + masked(0x89, 'x'));
      r.reader.feed(masked(0x81, 'late'));
      r.reader.feed(hex('ff ff ff'));
      assert.deepStrictEqual(r.log, [['close', 1000, '']]);
      assert.strictEqual(r.reader.state, 'closed');
    });
  });

  describe('UTF-8 and failure', function () {
    it('fails with 1007 on a text message that is not valid UTF-8', function () {
      assertError(masked(0x81, hex('ff')), 1007);
      assertError(masked(0x81, hex('c0 80')), 1007);
      assertError(masked(0x01, hex('63 c3')) + masked(0x80, ''), 1007);
    });

    it('accepts invalid UTF-8 in binary messages', function () {
      assert.deepStrictEqual(readAll(masked(0x82, hex('ff c3'))).log, [['binary', hex('ff c3')]]);
    });

    it('reports one error only and ignores all later input', function () {
      const r = readAll(masked(0xc1, 'x') + masked(0x81, 'y'));
      r.reader.feed(masked(0x81, 'z'));
      assert.deepStrictEqual(r.log, [['error', 1002, 'string']]);
      assert.strictEqual(r.reader.state, 'failed');
    });

    it('stops in the middle of a chunk at the first error, after delivering earlier frames', function () {
      const r = readAll(masked(0x81, 'ok') + masked(0x81, hex('ff')) + masked(0x81, 'never'));
      assert.deepStrictEqual(r.log, [['text', 'ok'], ['error', 1007, 'string']]);
    });
  });

  describe('chunking', function () {
    it('gives the same events when fed one byte at a time', function () {
      const chunk = masked(0x01, 'Hel') + masked(0x89, 'ping') + masked(0x80, 'lo') +
        masked(0x82, repeatByte(0x55, 300)) + masked(0x88, hex('03 e8') + 'bye');
      const r = recorder();
      for (let i = 0; i < chunk.length; i++) r.reader.feed(chunk.charAt(i));
      assert.deepStrictEqual(r.log, readAll(chunk).log);
      assert.deepStrictEqual(r.log, [['ping', 'ping'], ['text', 'Hello'], ['binary', repeatByte(0x55, 300)], ['close', 1000, 'bye']]);
    });

    it('ignores empty chunks in every state', function () {
      const frame = masked(0x82, repeatByte(1, 200));
      const r = recorder();
      for (let i = 0; i < frame.length; i++) {
        r.reader.feed('');
        r.reader.feed(frame.charAt(i));
      }
      r.reader.feed('');
      assert.deepStrictEqual(r.log, [['binary', repeatByte(1, 200)]]);
    });

    it('unmasks a long payload correctly whatever the split points (mask offset carried across chunks)', function () {
      let payload = '';
      for (let i = 0; i < 70000; i++) payload += String.fromCharCode((i * 31 + (i >> 8)) & 255);
      const frame = clientFrame(0x82, payload, hex('a1 b2 c3 d4'));
      const r = recorder();
      const cuts = [1, 2, 9, 10, 13, 14, 15, 300, 301, 555, 4099, 65537, frame.length];
      let from = 0;
      for (const cut of cuts) {
        r.reader.feed(frame.substring(from, cut));
        from = cut;
      }
      assert.strictEqual(r.log.length, 1);
      assert.strictEqual(r.log[0][0], 'binary');
      assert.ok(r.log[0][1] === payload, 'payload differs');
    });

    it('property: a sequence of frames split at random points gives the same events as one chunk', function () {
      const maskKey = fc.string({ unit: 'binary-ascii', minLength: 4, maxLength: 4 }).map(
        (s) => s.split('').map((c) => String.fromCharCode(c.charCodeAt(0) * 2 & 255)).join(''));
      const bytes = (max) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max }).map((a) => String.fromCharCode.apply(null, a));
      const control = fc.record({ opcode: fc.constantFrom(0x89, 0x8a), payload: bytes(125), key: maskKey });
      const message = fc.record({
        text: fc.boolean(),
        fragments: fc.array(fc.record({ payload: bytes(300), key: maskKey }), { minLength: 1, maxLength: 4 }),
        interleaved: fc.array(fc.tuple(fc.nat(4), control), { maxLength: 2 }),
        textValue: fc.string({ unit: 'grapheme', maxLength: 40 }),
      });
      fc.assert(fc.property(fc.array(message, { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, cutSeeds) => {
        let stream = '';
        const expected = [];
        for (const m of messages) {
          const fragments = m.fragments.map((f) => Object.assign({}, f));
          let whole;
          if (m.text) {
            // Spread the UTF-8 of a real string over the fragments, cutting anywhere (even inside a character).
            whole = utf8(m.textValue);
            const per = Math.ceil(whole.length / fragments.length);
            fragments.forEach((f, i) => { f.payload = whole.substring(i * per, (i + 1) * per); });
          } else {
            whole = fragments.map((f) => f.payload).join('');
          }
          fragments.forEach((f, i) => {
            const opcode = i === 0 ? (m.text ? 1 : 2) : 0;
            const fin = i === fragments.length - 1 ? 0x80 : 0;
            stream += clientFrame(fin | opcode, f.payload, f.key);
            for (const [after, c] of m.interleaved) {
              if (after === i && i < fragments.length - 1) {
                stream += clientFrame(c.opcode, c.payload, c.key);
                expected.push([c.opcode === 0x89 ? 'ping' : 'pong', c.payload]);
              }
            }
          });
          expected.push(m.text ? ['text', m.textValue] : ['binary', whole]);
        }
        const cuts = cutSeeds.map((s) => s % (stream.length + 1)).sort((a, b) => a - b);
        const r = recorder();
        let from = 0;
        for (const cut of cuts.concat([stream.length])) {
          r.reader.feed(stream.substring(from, cut));
          from = cut;
        }
        assert.deepStrictEqual(r.log, expected);
        assert.strictEqual(r.reader.state, 'header');
      }), { numRuns: 300 });
    });
  });
});

describe('FrameWriter', function () {
  describe('frameHeader and encodeFrame', function () {
    it('encodes the RFC 6455 unmasked "Hello" text frame', function () {
      assert.strictEqual(toHex(writer.encodeFrame(writer.OPCODE_TEXT, 'Hello')), '81 05 48 65 6c 6c 6f');
    });

    it('exposes the RFC 6455 opcodes', function () {
      assert.deepStrictEqual(
        [writer.OPCODE_CONTINUATION, writer.OPCODE_TEXT, writer.OPCODE_BINARY, writer.OPCODE_CLOSE, writer.OPCODE_PING, writer.OPCODE_PONG],
        [0, 1, 2, 8, 9, 10]);
    });

    it('encodes the RFC 6455 fragmented "Hello": FIN clear, then a continuation with FIN', function () {
      const frames = writer.encodeFrame(writer.OPCODE_TEXT, 'Hel', false) + writer.encodeFrame(writer.OPCODE_CONTINUATION, 'lo', true);
      assert.strictEqual(toHex(frames), '01 03 48 65 6c 80 02 6c 6f');
    });

    it('encodes ping, pong and close opcodes', function () {
      assert.strictEqual(toHex(writer.encodeFrame(writer.OPCODE_PING, 'Hello')), '89 05 48 65 6c 6c 6f');
      assert.strictEqual(toHex(writer.encodeFrame(writer.OPCODE_PONG, '')), '8a 00');
      assert.strictEqual(toHex(writer.encodeFrame(writer.OPCODE_CLOSE, hex('03 e8'))), '88 02 03 e8');
    });

    it('uses 7-bit lengths up to 125', function () {
      assert.strictEqual(toHex(writer.frameHeader(2, 0, true)), '82 00');
      assert.strictEqual(toHex(writer.frameHeader(2, 125, true)), '82 7d');
    });

    it('uses 16-bit lengths from 126 to 65535', function () {
      assert.strictEqual(toHex(writer.frameHeader(2, 126, true)), '82 7e 00 7e');
      assert.strictEqual(toHex(writer.frameHeader(2, 65535, true)), '82 7e ff ff');
      const frame = writer.encodeFrame(2, repeatByte(9, 126));
      assert.strictEqual(toHex(frame.substring(0, 4)), '82 7e 00 7e');
      assert.strictEqual(frame.length, 130);
    });

    it('uses 64-bit lengths from 65536: 70,000 bytes -> 82 7f 00 00 00 00 00 01 11 70', function () {
      assert.strictEqual(toHex(writer.frameHeader(2, 65536, true)), '82 7f 00 00 00 00 00 01 00 00');
      const frame = writer.encodeFrame(writer.OPCODE_BINARY, repeatByte(0xab, 70000));
      assert.strictEqual(toHex(frame.substring(0, 10)), '82 7f 00 00 00 00 00 01 11 70');
      assert.strictEqual(frame.length, 70010);
    });

    it('writes lengths above 2^32 up to 2^53 exactly', function () {
      assert.strictEqual(toHex(writer.frameHeader(2, 4294967296, false)), '02 7f 00 00 00 01 00 00 00 00');
      assert.strictEqual(toHex(writer.frameHeader(1, 4294967295 + 4294967296 * 3, true)), '81 7f 00 00 00 03 ff ff ff ff');
      assert.strictEqual(toHex(writer.frameHeader(2, Math.pow(2, 53), true)), '82 7f 00 20 00 00 00 00 00 00');
    });

    it('property: every frame it writes reads back as the same message', function () {
      fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 70000 }), fc.boolean(), (codes, binary) => {
        const payload = binary ? String.fromCharCode.apply(null, codes) : utf8(String.fromCharCode.apply(null, codes));
        const r = readAll(writer.encodeFrame(binary ? 2 : 1, payload), { requireMask: false });
        const expected = binary ? payload : String.fromCharCode.apply(null, codes);
        assert.deepStrictEqual(r.log, [[binary ? 'binary' : 'text', expected]]);
      }), { numRuns: 50 });
    });
  });

  describe('closePayload', function () {
    it('is empty for a null code', function () {
      assert.strictEqual(closePayloadHex(null), '');
      assert.strictEqual(closePayloadHex(null, 'ignored'), '');
    });

    it('is the big-endian code alone without a reason', function () {
      assert.strictEqual(closePayloadHex(1000), '03 e8');
      assert.strictEqual(closePayloadHex(4999, ''), '13 87');
    });

    it('appends the reason as UTF-8', function () {
      assert.strictEqual(closePayloadHex(1001, 'bye \u00e9'), '03 e9 62 79 65 20 c3 a9');
    });

    it('truncates an ASCII reason to keep the payload at 125 bytes', function () {
      const payload = writer.closePayload(1000, 'x'.repeat(200));
      assert.strictEqual(payload.length, 125);
      assert.strictEqual(payload, hex('03 e8') + 'x'.repeat(123));
    });

    it('truncates before a multi-byte character rather than inside it', function () {
      const twoByte = writer.closePayload(1000, '\u00e9'.repeat(100));
      assert.strictEqual(twoByte, hex('03 e8') + utf8('\u00e9'.repeat(61)));
      const fourByte = writer.closePayload(1000, 'ab' + '\ud83d\ude00'.repeat(40));
      assert.strictEqual(fourByte, hex('03 e8') + utf8('ab' + '\ud83d\ude00'.repeat(30)));
    });

    it('property: the payload is at most 125 bytes and its reason a valid UTF-8 prefix of the reason', function () {
      fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 150 }), (reason) => {
        const payload = writer.closePayload(3000, reason);
        assert.ok(payload.length <= 125);
        const reasonBytes = payload.substring(2);
        const full = utf8(reason);
        assert.strictEqual(full.substring(0, reasonBytes.length), reasonBytes);
        if (full.length <= 123) assert.strictEqual(reasonBytes, full);
        else assert.ok(reasonBytes.length >= 120, 'cut more than one character');
        const r = readAll(clientFrame(0x88, payload, RFC_KEY));
        assert.strictEqual(r.log[0][0], 'close');
      }));
    });
  });

  describe('toBinaryString', function () {
    it('returns a binary string unchanged', function () {
      const s = hex('00 ff 41');
      assert.strictEqual(writer.toBinaryString(s), s);
    });

    it('converts an ArrayBuffer', function () {
      assert.strictEqual(toHex(writer.toBinaryString(new Uint8Array([0, 1, 254, 255]).buffer)), '00 01 fe ff');
      assert.strictEqual(writer.toBinaryString(new ArrayBuffer(0)), '');
    });

    it('converts only the viewed bytes of a Uint8Array with an offset', function () {
      const view = new Uint8Array([9, 9, 0x41, 0x42, 0x43, 9]).subarray(2, 5);
      assert.strictEqual(writer.toBinaryString(view), 'ABC');
    });

    it('converts the bytes (not the values) of wider typed arrays', function () {
      const int16 = new Int16Array([1, -2]);
      const expected = Buffer.from(int16.buffer).toString('latin1');
      assert.strictEqual(writer.toBinaryString(int16), expected);
      assert.strictEqual(writer.toBinaryString(new Float32Array([1.5])), Buffer.from(new Float32Array([1.5]).buffer).toString('latin1'));
    });

    it('converts the viewed range of a DataView', function () {
      const buffer = new Uint8Array([1, 2, 3, 4, 5]).buffer;
      assert.strictEqual(toHex(writer.toBinaryString(new DataView(buffer, 1, 3))), '02 03 04');
    });

    it('converts a plain array of byte numbers, keeping the low byte of larger values', function () {
      assert.strictEqual(toHex(writer.toBinaryString([0, 65, 255, 256 + 66])), '00 41 ff 42');
      assert.strictEqual(writer.toBinaryString([]), '');
    });

    it('converts arrays longer than one conversion block, in order', function () {
      const codes = [];
      for (let i = 0; i < 1000; i++) codes.push((i * 13) & 255);
      const expected = Buffer.from(codes).toString('latin1');
      assert.strictEqual(writer.toBinaryString(codes), expected);
      assert.strictEqual(writer.toBinaryString(new Uint8Array(codes)), expected);
    });

    it('throws a TypeError on anything else', function () {
      for (const value of [null, undefined, 42, {}, { length: 2 }]) {
        assert.throws(() => writer.toBinaryString(value), TypeError);
      }
    });
  });
});

describe('Espruino fast paths (E.toUint8Array / E.toString, emulated on Node)', function () {
  const hadE = Object.prototype.hasOwnProperty.call(global, 'E');
  const previousE = global.E;
  const calls = { toUint8Array: 0, toString: 0 };
  before(function () {
    global.E = {
      toUint8Array: (s) => { calls.toUint8Array++; return new Uint8Array(Buffer.from(s, 'latin1')); },
      toString: (a) => { calls.toString++; return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('latin1'); },
    };
  });
  after(function () {
    if (hadE) global.E = previousE;
    else delete global.E;
  });

  it('unmasks through E with the mask offset carried across chunks', function () {
    let payload = '';
    for (let i = 0; i < 1000; i++) payload += String.fromCharCode((i * 7) & 255);
    const frame = clientFrame(0x82, payload, hex('01 80 ff 7e'));
    const r = recorder();
    r.reader.feed(frame.substring(0, 11));
    r.reader.feed(frame.substring(11, 503));
    r.reader.feed(frame.substring(503));
    assert.deepStrictEqual(r.log, [['binary', payload]]);
    assert.ok(calls.toUint8Array >= 3);
  });

  it('converts typed arrays through E.toString, viewed bytes only', function () {
    const before = calls.toString;
    assert.strictEqual(writer.toBinaryString(new Uint8Array([9, 0x41, 0x42, 9]).subarray(1, 3)), 'AB');
    assert.strictEqual(calls.toString, before + 1);
  });

  it('falls back to the portable loops when E answers something unusable', function () {
    const saved = global.E;
    global.E = { toUint8Array: () => undefined, toString: () => undefined };
    try {
      assert.strictEqual(writer.toBinaryString(new Uint8Array([0x43, 0x44])), 'CD');
      assert.deepStrictEqual(readAll(masked(0x81, 'Hello')).log, [['text', 'Hello']]);
    } finally {
      global.E = saved;
    }
  });
});

describe('closeCodes', function () {
  it('names the RFC 6455 codes', function () {
    assert.deepStrictEqual(
      [closeCodes.NORMAL, closeCodes.GOING_AWAY, closeCodes.PROTOCOL_ERROR, closeCodes.UNSUPPORTED_DATA, closeCodes.NO_STATUS,
        closeCodes.ABNORMAL, closeCodes.INVALID_PAYLOAD, closeCodes.POLICY_VIOLATION, closeCodes.MESSAGE_TOO_BIG, closeCodes.INTERNAL_ERROR],
      [1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011]);
  });

  it('isValidWireCloseCode accepts exactly 1000-1003, 1007-1014 and 3000-4999', function () {
    const valid = [];
    for (let code = 0; code < 70000; code++) if (closeCodes.isValidWireCloseCode(code)) valid.push(code);
    const expected = [];
    for (let code = 1000; code <= 1003; code++) expected.push(code);
    for (let code = 1007; code <= 1014; code++) expected.push(code);
    for (let code = 3000; code <= 4999; code++) expected.push(code);
    assert.deepStrictEqual(valid, expected);
  });

  it('isValidWireCloseCode rejects non-integers', function () {
    assert.strictEqual(closeCodes.isValidWireCloseCode(1000.5), false);
    assert.strictEqual(closeCodes.isValidWireCloseCode(NaN), false);
    assert.strictEqual(closeCodes.isValidWireCloseCode('1000'), false);
  });
});

function closePayloadHex(code, reason) {
  return toHex(writer.closePayload(code, reason));
}
