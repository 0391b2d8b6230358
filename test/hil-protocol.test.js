// The HIL rig's console protocol as plain functions: framing, byte-exact escaping, Storage upload
// lines, marker lines, prompt detection on Espruino's real output, and the Ctrl-C rule.
'use strict';

const assert = require('assert');
const vm = require('vm');
const fc = require('fast-check');
const protocol = require('../test-hil/lib/protocol');

const emptyContext = vm.createContext({});
const binaryString = fc.uint8Array({ maxLength: 700 }).map((bytes) => Buffer.from(bytes).toString('latin1'));

/** Runs upload lines against a fake Storage with Espruino's write rules; returns the file's bytes. */
function runAgainstFakeStorage(lines) {
  const files = {};
  const storage = {
    erase(name) { delete files[name]; },
    write(name, data, offset, size) {
      if (offset === undefined) { files[name] = Buffer.from(data, 'latin1'); return true; }
      if (offset === 0 && size !== undefined) files[name] = Buffer.alloc(size, 0xff);
      const file = files[name];
      const bytes = Buffer.from(data, 'latin1');
      if (!file || offset + bytes.length > file.length) return false;
      for (let i = 0; i < bytes.length; i++) {
        if (file[offset + i] !== 0xff) return false; // flash only writes erased bytes
        file[offset + i] = bytes[i];
      }
      return true;
    },
  };
  const context = vm.createContext({ require: () => storage });
  const results = lines.map((line) => vm.runInContext(line, context));
  return { files, results };
}

describe('HIL protocol: framing', () => {
  it('frames a statement as DLE, the code, LF (no echo, no =result on Espruino)', () => {
    assert.strictEqual(protocol.frameLine('1+2'), '\x101+2\n');
  });

  it('refuses code spread over lines (Espruino prints no prompt after it with echo off)', () => {
    assert.throws(() => protocol.frameLine('a = {\nb: 1 }'), /single line/);
    assert.throws(() => protocol.frameLine('x\r'), /single line/);
  });
});

describe('HIL protocol: quoting bytes for Espruino', () => {
  it('writes printable ASCII as is and escapes quote, backslash, CR, LF, TAB', () => {
    assert.strictEqual(protocol.quoteBytes('a "b" \\ \r\n\t'), '"a \\"b\\" \\\\ \\r\\n\\t"');
  });

  it('writes every other byte as \\xHH, never \\u (which would make Espruino store UTF-8)', () => {
    assert.strictEqual(protocol.quoteBytes('\x00\x1f\x7f\x80\xe9\xff'), '"\\x00\\x1f\\x7f\\x80\\xe9\\xff"');
  });

  it('refuses chars above 0xFF (the input must be a binary string)', () => {
    assert.throws(() => protocol.quoteBytes('\u20ac'), /not a byte/);
  });

  it('gives a literal that evaluates back to the same bytes, in printable ASCII only', () => {
    fc.assert(fc.property(binaryString, (bytes) => {
      const literal = protocol.quoteBytes(bytes);
      assert.ok(/^[\x20-\x7e]*$/.test(literal), 'printable ASCII');
      assert.ok(!/\\u/.test(literal));
      assert.strictEqual(vm.runInContext(literal, emptyContext), bytes);
    }));
  });
});

describe('HIL protocol: Storage upload lines', () => {
  it('erases first, creates the file at its full size, then writes each chunk at its offset', () => {
    const lines = protocol.storageWriteLines('app', 'abcdefghij', 4);
    assert.deepStrictEqual(lines, [
      'require("Storage").erase("app")',
      'require("Storage").write("app","abcd",0,10)',
      'require("Storage").write("app","efgh",4)',
      'require("Storage").write("app","ij",8)',
    ]);
  });

  it('writes an empty file in one line', () => {
    assert.deepStrictEqual(protocol.storageWriteLines('e', ''), ['require("Storage").erase("e")', 'require("Storage").write("e","")']);
  });

  it('refuses names over the 28 bytes Storage keeps', () => {
    assert.throws(() => protocol.storageWriteLines('x'.repeat(29), 'a'), /28 bytes/);
  });

  it('keeps each line within a few hundred bytes by default', () => {
    const lines = protocol.storageWriteLines('big', '\xff'.repeat(5000));
    for (const line of lines) assert.ok(line.length <= 4 * protocol.DEFAULT_UPLOAD_CHUNK_BYTES + 60, line.length);
  });

  it('reassembles any binary file exactly under flash write rules', () => {
    fc.assert(fc.property(binaryString, fc.integer({ min: 1, max: 300 }), (data, chunk) => {
      const { files, results } = runAgainstFakeStorage(protocol.storageWriteLines('f', data, chunk));
      assert.ok(results.slice(1).every((ok) => ok === true));
      assert.strictEqual(files.f.toString('latin1'), data);
    }), { numRuns: 60 });
  });

  it('bounds each chunk\'s literal when asked, and still reassembles the file exactly', () => {
    fc.assert(fc.property(binaryString, fc.integer({ min: 6, max: 120 }), (data, maxQuoted) => {
      const chunks = protocol.storageWriteChunks('f', data, 256, maxQuoted);
      let previousEnd = 0;
      for (const chunk of chunks.slice(1)) {
        const literal = /,("(?:[^"\\]|\\.)*")/.exec(chunk.code)[1];
        assert.ok(literal.length <= maxQuoted, literal.length + ' > ' + maxQuoted + ': ' + literal);
        assert.ok(chunk.end > previousEnd || data.length === 0, 'every chunk moves on');
        previousEnd = chunk.end;
      }
      assert.strictEqual(previousEnd, data.length);
      const { files } = runAgainstFakeStorage(chunks.map((chunk) => chunk.code));
      assert.strictEqual(files.f.toString('latin1'), data);
    }), { numRuns: 80 });
  });
});

describe('HIL protocol: holds (the Linux build\'s terminal)', () => {
  it('defines a primer that prints its acknowledgement, then holds for the given time', () => {
    const printed = [];
    let now = 0;
    const sandbox = { print: (text) => printed.push(text), getTime: () => { now += 0.01; return now; } };
    sandbox.global = sandbox;
    vm.runInNewContext(protocol.primerDefinition(250), sandbox);
    assert.deepStrictEqual(printed, [protocol.HOLD_ACK]);
    assert.ok(now >= 0.25 && now < 0.3, 'held until ' + now);
    const heldFrom = now;
    vm.runInNewContext(protocol.holdCall(), sandbox);
    assert.ok(now - heldFrom >= 0.25, 'the hold call holds as long');
    assert.ok(protocol.frameLine(protocol.primerCall()).length <= 8, 'the primer call is a few bytes');
  });
});

describe('HIL protocol: marker lines', () => {
  it('builds a statement that prints the marker and the JSON of the expression, or of the error', () => {
    const printed = [];
    const sandbox = { print: (text) => printed.push(text), JSON, String, answer: 42 };
    vm.runInNewContext(protocol.markerCommand('m1', 'answer'), sandbox);
    vm.runInNewContext(protocol.markerCommand('m2', 'missing()'), sandbox);
    assert.strictEqual(printed[0], 'HIL:m1 42');
    assert.deepStrictEqual(protocol.parseMarker(printed[1], 'm2'), { error: 'missing is not defined' });
  });

  it('parses the marker after a prompt Espruino left on the line', () => {
    assert.deepStrictEqual(protocol.parseMarker('>HIL:m7 {"free":10,"usage":5}', 'm7'), { free: 10, usage: 5 });
  });

  it('reads "undefined" (JSON.stringify of undefined, concatenated) as null', () => {
    assert.strictEqual(protocol.parseMarker('HIL:m3 undefined', 'm3'), null);
  });

  it('ignores other ids and lines that merely contain a marker (Espruino echoes code in syntax errors)', () => {
    assert.strictEqual(protocol.parseMarker('HIL:m10 1', 'm1'), undefined);
    assert.strictEqual(protocol.parseMarker('...t("HIL:m13 "+JSON.stringify(1+))}catch(e){', 'm13'), undefined);
    assert.strictEqual(protocol.isMarkerLine('...t("HIL:m13 "+JSON'), false);
    assert.strictEqual(protocol.isMarkerLine('>HIL:m13 1'), true);
  });

  it('throws on a marker line whose JSON is cut', () => {
    assert.throws(() => protocol.parseMarker('HIL:m4 {"free":1', 'm4'), /unreadable marker/);
  });

  it('refuses marker ids that could break the statement', () => {
    assert.throws(() => protocol.markerCommand('a"b', '1'), /marker id/);
  });

  it('reads process.memory() as Espruino 2v29 prints it', () => {
    const line = '>HIL:m2 {"free":8130,"usage":60,"total":8190,"history":0,"gc":0,"gctime":0.367,"blocksize":13,"rx":{"used":0,"total":1024},"tx":{"used":0,"total":256}}';
    assert.deepStrictEqual(protocol.parseMemory(protocol.parseMarker(line, 'm2')), { free: 8130, usage: 60, total: 8190, blocksize: 13 });
    assert.throws(() => protocol.parseMemory({ error: 'x' }), /process.memory/);
  });
});

describe('HIL protocol: reading the console', () => {
  it('sees a prompt, a continuation prompt, or neither in the unfinished line', () => {
    assert.strictEqual(protocol.promptState('>'), 'prompt');
    assert.strictEqual(protocol.promptState(':'), 'continuation');
    assert.strictEqual(protocol.promptState('>1+2'), null);
    assert.strictEqual(protocol.promptState('hello'), null);
    assert.strictEqual(protocol.promptState(''), null);
  });

  it('sees the prompt Espruino redraws after clearing a continuation line (ESC[A CR ESC[J >)', () => {
    assert.strictEqual(protocol.promptState('\x1b[A\r\x1b[J>'), 'prompt');
  });

  it('splits output printed over the prompt by a timer into clean lines', () => {
    // Captured from espruino32-8190: setTimeout(function(){print("hello")},200) typed with echo.
    const { lines, tail } = protocol.splitLines('setTimeout(function(){print("hello");},200)\r\n=1\r\n>\r\x1b[Jhello\r\n>');
    assert.deepStrictEqual(lines, ['setTimeout(function(){print("hello");},200)', '=1', 'hello']);
    assert.strictEqual(protocol.promptState(tail), 'prompt');
  });

  it('takes the prompt off the front of a line printed right after it', () => {
    assert.strictEqual(protocol.withoutPrompt('>50'), '50');
    assert.strictEqual(protocol.withoutPrompt('>'), '>');
    assert.strictEqual(protocol.withoutPrompt('>> quoted'), '>> quoted');
  });

  it('drops Telnet negotiation and terminal sequences', () => {
    assert.strictEqual(protocol.stripTerminal('\xff\xfb\x01a\x1b[Jb\x1b[?25lc'), 'abc');
  });
});

describe('HIL protocol: the Ctrl-C rule', () => {
  it('allows a first Ctrl-C at once', () => {
    const guard = new protocol.CtrlCGuard({ now: () => 1000 });
    assert.strictEqual(guard.waitBeforeNext(), 0);
    guard.record();
  });

  it('refuses a second Ctrl-C inside the window and says how long to wait', () => {
    let now = 0;
    const guard = new protocol.CtrlCGuard({ now: () => now });
    guard.record();
    now = 4000;
    assert.strictEqual(guard.waitBeforeNext(), protocol.CTRL_C_EXIT_WINDOW_MS + 1000 - 4000);
    assert.throws(() => guard.record(), /second Ctrl-C/);
  });

  it('allows the next Ctrl-C once the exit window (plus margin) has passed', () => {
    let now = 0;
    const guard = new protocol.CtrlCGuard({ now: () => now });
    guard.record();
    now = protocol.CTRL_C_EXIT_WINDOW_MS + 1000;
    assert.strictEqual(guard.waitBeforeNext(), 0);
    guard.record();
  });

  it('keeps its window wider than the interpreter\'s 5 s', () => {
    assert.ok(new protocol.CtrlCGuard().windowMs > protocol.CTRL_C_EXIT_WINDOW_MS);
  });
});
