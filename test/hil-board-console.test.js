// The HIL rig's board console over a mock serial port (@serialport/binding-mock): a scripted board
// answers what the rig writes, and the tests pin what the rig sends and how it reads the answers.
'use strict';

const assert = require('assert');
const vm = require('vm');
const { MockBinding } = require('@serialport/binding-mock');
const { SerialPortMock } = require('serialport');
const { BoardConsole, HELD_LINE_MAX_BYTES, HELD_WRITE_WINDOW_MS, TYPED_PIECE_BYTES } = require('../test-hil/lib/board-console');
const { configFromEnv } = require('../test-hil/lib/rig');
const protocol = require('../test-hil/lib/protocol');

const BANNER = '\r\n ____                 _ \r\n         |_| espruino.com\r\n 2v29.277 (c) 2026 G.Williams\r\n\r\n';

/**
 * A mock port plus a scripted board. `behaviour` decides the answer to each complete line and to
 * Ctrl-C; by default the board evaluates DLE lines in a sandbox, as Espruino would.
 */
async function openMockBoard(behaviour) {
  const path = '/dev/hil-mock-' + Math.random().toString(36).slice(2);
  MockBinding.createPort(path, { echo: false, record: true });
  const port = new SerialPortMock({ path, baudRate: 115200 });
  await new Promise((resolve, reject) => port.on('open', resolve).on('error', reject));
  const board = {
    port,
    /** Every write that reached the port, as it came. */
    writes: [],
    lines: [],
    ctrlCs: 0,
    storage: {},
    sandbox: null,
    emit(text) {
      setImmediate(() => port.port.emitData(Buffer.from(text, 'latin1')));
    },
  };
  board.sandbox = makeSandbox(board);
  let pending = '';
  const write = port.port.write.bind(port.port);
  port.port.write = async (buffer) => {
    await write(buffer);
    board.writes.push({ at: Date.now(), text: buffer.toString('latin1') });
    pending += buffer.toString('latin1');
    for (;;) {
      const ctrlC = pending.indexOf('\x03');
      const newline = pending.indexOf('\n');
      if (ctrlC >= 0 && (newline < 0 || ctrlC < newline)) {
        pending = pending.slice(ctrlC + 1);
        board.ctrlCs++;
        const answer = behaviour && behaviour.ctrlC ? behaviour.ctrlC(board) : '\r\n>';
        if (answer) board.emit(answer);
        continue;
      }
      if (newline < 0) break;
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      board.lines.push(line);
      const answer = behaviour && behaviour.line ? behaviour.line(line, board) : evaluateLine(line, board);
      if (answer !== null && answer !== undefined) board.emit(answer);
    }
  };
  return board;
}

function makeSandbox(board) {
  const sandbox = {
    output: '',
    print: (text) => { sandbox.output += text + '\r\n'; },
    JSON,
    String,
    E: {},
    process: { memory: () => ({ free: 7000, usage: 1190, total: 8190, history: 0, gc: 0, gctime: 0.3, blocksize: 13 }) },
    require: () => ({
      erase: (name) => { delete board.storage[name]; },
      read: (name) => board.storage[name],
      write: (name, data, offset, size) => {
        if (board.failWrites) return false;
        if (offset === undefined || offset === 0) board.storage[name] = size ? ' '.repeat(size) : data;
        const file = board.storage[name];
        board.storage[name] = file.slice(0, offset || 0) + data + file.slice((offset || 0) + data.length);
        return true;
      },
    }),
  };
  return sandbox;
}

/** Espruino's answer to a line: DLE lines run silently; others are echoed with =result. */
function evaluateLine(line, board) {
  const silent = line.charAt(0) === '\x10';
  const code = silent ? line.slice(1) : line;
  if (code === '') return '\r\n>';
  board.sandbox.output = '';
  let result;
  try {
    result = vm.runInNewContext(code, board.sandbox);
  } catch (error) {
    return 'Uncaught ' + error.name + ': ' + error.message + '\r\n>';
  }
  return (silent ? '' : code + '\r\n') + board.sandbox.output + (silent ? '' : '=' + String(result) + '\r\n') + '>';
}

describe('HIL board console over a mock serial port', function () {
  this.timeout(10000);
  let board;
  let boardConsole;

  afterEach(async () => {
    if (boardConsole) await boardConsole.close();
    boardConsole = null;
    MockBinding.reset();
  });

  describe('getting a prompt', () => {
    it('sends Enter and, when a prompt comes back, no Ctrl-C at all', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port);
      await boardConsole.getPrompt(2000);
      assert.strictEqual(board.port.port.recording.toString('latin1'), '\n');
      assert.strictEqual(board.ctrlCs, 0);
    });

    it('clears a half-typed statement (continuation prompt) with one Ctrl-C', async () => {
      board = await openMockBoard({ line: (line, b) => (b.lines.length === 1 ? '\r\n:' : '\r\n>'), ctrlC: () => '\x1b[A\r\x1b[J>' });
      boardConsole = new BoardConsole(board.port);
      await boardConsole.getPrompt(2000);
      assert.strictEqual(board.port.port.recording.toString('latin1'), '\n\x03');
    });

    it('interrupts a busy board with exactly one Ctrl-C', async () => {
      board = await openMockBoard({ line: () => null, ctrlC: () => '\r\n>' });
      boardConsole = new BoardConsole(board.port, { enterTimeoutMs: 200 });
      await boardConsole.getPrompt(3000);
      assert.strictEqual(board.ctrlCs, 1);
    });

    it('gives up on a silent board after one Ctrl-C, naming the likely causes', async () => {
      board = await openMockBoard({ line: () => null, ctrlC: () => null });
      boardConsole = new BoardConsole(board.port, { enterTimeoutMs: 200 });
      await assert.rejects(boardConsole.getPrompt(500), /no prompt.*baud rate/s);
      assert.strictEqual(board.ctrlCs, 1);
    });

    it('never sends a second Ctrl-C within the exit window, even when asked twice', async () => {
      let now = 0;
      board = await openMockBoard({ line: () => null, ctrlC: () => null });
      boardConsole = new BoardConsole(board.port, { ctrlCGuard: new protocol.CtrlCGuard({ now: () => now }) });
      await boardConsole.ctrlC();
      const second = boardConsole.ctrlC();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.strictEqual(board.ctrlCs, 1, 'the second one waits');
      now = 10000;
      await second;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.strictEqual(board.ctrlCs, 2);
    });
  });

  describe('reset', () => {
    it('sends reset() as a DLE line and waits for the banner, then the prompt', async () => {
      board = await openMockBoard({ line: (line) => (line === '\x10reset()' ? BANNER + '>' : '\r\n>') });
      boardConsole = new BoardConsole(board.port);
      await boardConsole.reset(3000);
      assert.deepStrictEqual(board.lines, ['', '\x10reset()']);
    });

    it('does not take the prompt before the banner for the end of the reset', async () => {
      board = await openMockBoard({
        line: (line, b) => {
          if (line !== '\x10reset()') return '\r\n>';
          b.emit('>');
          setTimeout(() => b.emit(BANNER + '>'), 150);
          return null;
        },
      });
      boardConsole = new BoardConsole(board.port);
      const started = Date.now();
      await boardConsole.reset(3000);
      assert.ok(Date.now() - started >= 140);
    });
  });

  describe('evaluating', () => {
    it('sends one DLE-framed marker statement and returns the value', async () => {
      board = await openMockBoard();
      board.sandbox.answer = { a: [1, 'x'] };
      boardConsole = new BoardConsole(board.port);
      assert.deepStrictEqual(await boardConsole.evaluate('answer'), { a: [1, 'x'] });
      assert.deepStrictEqual(board.lines, ['\x10' + protocol.markerCommand('m1', 'answer')]);
    });

    it('rejects with the board\'s message when the expression throws', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port);
      await assert.rejects(boardConsole.evaluate('nothing.here'), /the board threw: nothing is not defined/);
    });

    it('rejects at once when the board cannot parse the statement', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port, { timeoutMs: 5000 });
      const started = Date.now();
      await assert.rejects(boardConsole.evaluate('1+'), /could not parse/);
      assert.ok(Date.now() - started < 2000);
    });

    it('rejects at once when the board runs out of memory during the statement', async () => {
      board = await openMockBoard({ line: () => 'Execution Interrupted\r\nNew interpreter error: LOW_MEMORY,MEMORY\r\n>' });
      boardConsole = new BoardConsole(board.port, { timeoutMs: 5000 });
      await assert.rejects(boardConsole.evaluate('big()'), /aborted the command: Execution Interrupted \| New interpreter error: LOW_MEMORY,MEMORY/);
    });

    it('reads process.memory() in vars', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port);
      assert.deepStrictEqual(await boardConsole.memory(), { free: 7000, usage: 1190, total: 8190, blocksize: 13 });
    });

    it('keeps log lines and exceptions printed around its answers, and not the answers', async () => {
      board = await openMockBoard({
        line: (line, b) => {
          const answer = evaluateLine(line, b);
          return '\r\x1b[JMWS2-INFO> a log line\r\n>\r\x1b[JUncaught Error: late\r\n>' + answer;
        },
      });
      boardConsole = new BoardConsole(board.port);
      assert.strictEqual(await boardConsole.evaluate('6*7'), 42);
      assert.deepStrictEqual(boardConsole.logs.map((entry) => entry.text), ['MWS2-INFO> a log line', 'Uncaught Error: late']);
      assert.deepStrictEqual(boardConsole.exceptions.map((entry) => entry.text), ['Uncaught Error: late']);
    });

    it('finds a log line printed later with waitForLine', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port);
      const found = boardConsole.waitForLine(/^HIL-READY /, 2000);
      board.emit('\r\x1b[JHIL-READY - 8080 {}\r\n>');
      assert.strictEqual(await found, 'HIL-READY - 8080 {}');
    });
  });

  describe('uploading to Storage', () => {
    it('writes a binary file in chunked Storage.write lines and checks its size', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port, { uploadChunkBytes: 100 });
      const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const progress = [];
      await boardConsole.upload('bytes', data, (written, total) => progress.push([written, total]));
      assert.strictEqual(board.storage.bytes, data.toString('latin1'));
      assert.deepStrictEqual(progress, [[100, 256], [200, 256], [256, 256]]);
      const sent = board.lines.map((line) => line.slice(1));
      assert.ok(sent.every((line) => /^[\x20-\x7e]*$/.test(line)), 'only printable ASCII on the wire');
      assert.ok(board.lines.every((line) => line.charAt(0) === '\x10'), 'every line DLE-framed');
    });

    it('fails with the offset when a Storage.write returns false', async () => {
      board = await openMockBoard();
      board.failWrites = true;
      boardConsole = new BoardConsole(board.port);
      await assert.rejects(boardConsole.upload('big', 'x'.repeat(600)), /Storage.write of big failed at byte 0/);
    });
  });

  describe('console pacing', () => {
    const longLine = () => '"' + 'abcdefghij'.repeat(30) + '".length';

    it('paces a serial port by itself: 64-byte pieces at the wire speed of its baud rate', () => {
      const config = configFromEnv({ HIL_PORT: '/dev/ttyUSB0' }, {});
      assert.strictEqual(config.writeChunkBytes, 64);
      assert.strictEqual(config.bytesPerSecond, 11520);
      assert.strictEqual(config.holdMs, 0);
      const slow = configFromEnv({ HIL_PORT: '/dev/ttyUSB0', HIL_BAUD: '9600' }, {});
      assert.strictEqual(slow.bytesPerSecond, 960);
    });

    it('writes whole lines to a Telnet console, and keeps the simulated board on the serial path', () => {
      assert.strictEqual(configFromEnv({ HIL_PORT: 'tcp://192.168.1.50:23' }, {}).writeChunkBytes, 0);
      assert.strictEqual(configFromEnv({ HIL_ESPRUINO: '/x/espruino' }, {}).writeChunkBytes, 0);
      const simulated = configFromEnv({}, { simulated: true });
      assert.strictEqual(simulated.writeChunkBytes, 64);
      assert.strictEqual(simulated.bytesPerSecond, 0);
    });

    it('holds the Linux build\'s terminal instead of splitting its lines', () => {
      const config = configFromEnv({ HIL_ESPRUINO: '/x/espruino', HIL_ESPRUINO_CONSOLE: 'pty' }, {});
      assert.strictEqual(config.writeChunkBytes, 0);
      assert.ok(config.holdMs >= HELD_WRITE_WINDOW_MS + 100, 'a hold of ' + config.holdMs + ' ms leaves two reader passes after the write window');
    });

    it('takes HIL_WRITE_CHUNK over the default, 0 meaning whole lines', () => {
      assert.strictEqual(configFromEnv({ HIL_PORT: '/dev/ttyUSB0', HIL_WRITE_CHUNK: '32' }, {}).writeChunkBytes, 32);
      assert.strictEqual(configFromEnv({ HIL_PORT: '/dev/ttyUSB0', HIL_WRITE_CHUNK: '0' }, {}).writeChunkBytes, 0);
      assert.strictEqual(configFromEnv({ HIL_ESPRUINO: '/x/e', HIL_ESPRUINO_CONSOLE: 'pty', HIL_WRITE_CHUNK: '32' }, {}).writeChunkBytes, 32);
      assert.throws(() => configFromEnv({ HIL_PORT: '/dev/ttyUSB0', HIL_WRITE_CHUNK: 'lots' }, {}), /HIL_WRITE_CHUNK/);
    });

    it('lets no write larger than the serial default reach the port, and the line arrives whole', async () => {
      const config = configFromEnv({ HIL_PORT: '/dev/ttyUSB0', HIL_BAUD: '1000000' }, {});
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port, { writeChunkBytes: config.writeChunkBytes, bytesPerSecond: config.bytesPerSecond });
      assert.strictEqual(await boardConsole.evaluate(longLine()), 300);
      const sizes = board.writes.map((w) => w.text.length);
      assert.ok(sizes.length >= 6, 'split into ' + sizes.length + ' writes');
      assert.ok(sizes.every((size) => size <= 64), 'write sizes ' + sizes.join(','));
      assert.strictEqual(board.writes.map((w) => w.text).join(''), protocol.frameLine(protocol.markerCommand('m1', longLine())));
    });

    it('spaces the pieces by their time on the wire', async () => {
      board = await openMockBoard();
      // 64 bytes take 10 ms at 6400 bytes a second: ten pieces take at least 90 ms.
      boardConsole = new BoardConsole(board.port, { writeChunkBytes: 64, bytesPerSecond: 6400 });
      const started = Date.now();
      await boardConsole.write('x'.repeat(640));
      assert.ok(Date.now() - started >= 85, 'took ' + (Date.now() - started) + ' ms');
      assert.strictEqual(board.writes.length, 10);
    });

    it('stops within a piece when the board sends XOFF in the middle of a line', async () => {
      board = await openMockBoard({ line: () => null });
      boardConsole = new BoardConsole(board.port, { writeChunkBytes: 64, bytesPerSecond: 6400 });
      let xoffSent = false;
      const write = board.port.port.write;
      board.port.port.write = async (buffer) => {
        await write(buffer);
        if (!xoffSent) {
          xoffSent = true;
          board.port.port.emitData(Buffer.from([0x13]));
        }
      };
      const writing = boardConsole.write('y'.repeat(640) + '\n');
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.ok(board.writes.length <= 2, board.writes.length + ' pieces written after XOFF');
      board.port.port.emitData(Buffer.from([0x11]));
      await writing;
      assert.strictEqual(board.writes.map((w) => w.text).join(''), 'y'.repeat(640) + '\n');
    });
  });

  describe('holds (the Linux build\'s terminal)', () => {
    const HOLD_MS = 200;
    const SUFFIX = ';' + protocol.holdCall();

    /** A board that knows the primer: it acknowledges a primer line and evaluates held marker lines. */
    function heldBoard() {
      return {
        line: (line, b) => {
          if (line === '\x10' + protocol.primerDefinition(HOLD_MS) || line === '\x10' + protocol.primerCall()) return protocol.HOLD_ACK + '\r\n>';
          if (line === '' || line === '\x10reset()') return line ? BANNER + '>' : '\r\n>';
          if (line.slice(-SUFFIX.length) !== SUFFIX) return 'Uncaught Error: no hold at the end of ' + JSON.stringify(line) + '\r\n>';
          return evaluateLine(line.slice(0, -SUFFIX.length), b);
        },
      };
    }

    /** The writes that made up each line, in order: [{line, sizes}]. */
    function writesByLine(writes) {
      const out = [];
      let current = { line: '', sizes: [] };
      for (const w of writes) {
        current.line += w.text;
        current.sizes.push(w.text.length);
        if (w.text.slice(-1) === '\n') {
          out.push(current);
          current = { line: '', sizes: [] };
        }
      }
      return out;
    }

    it('starts a hold before a line no hold covers, typing the primer a few bytes at a time', async () => {
      board = await openMockBoard(heldBoard());
      boardConsole = new BoardConsole(board.port, { holdMs: HOLD_MS, typedGapMs: 1 });
      assert.strictEqual(await boardConsole.evaluate('6*7'), 42);
      const lines = writesByLine(board.writes);
      assert.deepStrictEqual(lines.map((l) => l.line), [
        '\x10' + protocol.primerDefinition(HOLD_MS) + '\n',
        '\x10' + protocol.markerCommand('m1', '6*7') + SUFFIX + '\n',
      ]);
      assert.ok(lines[0].sizes.every((size) => size <= TYPED_PIECE_BYTES), 'primer typed in pieces of ' + lines[0].sizes.join(','));
      assert.deepStrictEqual(lines[1].sizes, [lines[1].line.length], 'the held line goes in one write');
      // The line went out only once the board said it was holding.
      const ackAt = board.writes[lines[0].sizes.length - 1].at;
      assert.ok(board.writes[lines[0].sizes.length].at >= ackAt);
    });

    it('writes a line right after an answer without a primer, and primes again after a pause', async () => {
      board = await openMockBoard(heldBoard());
      boardConsole = new BoardConsole(board.port, { holdMs: HOLD_MS, typedGapMs: 1 });
      await boardConsole.evaluate('1');
      await boardConsole.evaluate('2');
      await new Promise((resolve) => setTimeout(resolve, HELD_WRITE_WINDOW_MS + 30));
      await boardConsole.evaluate('3');
      const lines = writesByLine(board.writes).map((l) => l.line);
      assert.deepStrictEqual(lines.map((line) => (line.indexOf('HILW') >= 0 ? (line.indexOf('function') >= 0 ? 'define' : 'prime') : 'line')),
        ['define', 'line', 'line', 'prime', 'line']);
      const prime = writesByLine(board.writes)[3];
      assert.ok(prime.sizes.every((size) => size <= TYPED_PIECE_BYTES), 'primer call typed in pieces of ' + prime.sizes.join(','));
    });

    it('defines the primer again after reset(), which takes it away', async () => {
      board = await openMockBoard(heldBoard());
      boardConsole = new BoardConsole(board.port, { holdMs: HOLD_MS, typedGapMs: 1 });
      await boardConsole.evaluate('1');
      await boardConsole.reset(3000);
      await boardConsole.evaluate('2');
      const definitions = writesByLine(board.writes).filter((l) => l.line.indexOf('function') >= 0);
      assert.strictEqual(definitions.length, 2);
    });

    it('keeps every upload line within what the terminal takes during a hold', async () => {
      board = await openMockBoard(heldBoard());
      boardConsole = new BoardConsole(board.port, { holdMs: HOLD_MS, typedGapMs: 1 });
      const data = Buffer.concat([Buffer.alloc(700, 0xff), Buffer.from('var s = "quoted";\n'.repeat(40))]);
      await boardConsole.upload('MicroWebSrv2.pyhtml-compile', data);
      assert.strictEqual(board.storage['MicroWebSrv2.pyhtml-compile'], data.toString('latin1'));
      const lines = writesByLine(board.writes).map((l) => l.line);
      assert.ok(lines.every((line) => line.length <= HELD_LINE_MAX_BYTES), 'longest ' + Math.max(...lines.map((l) => l.length)));
      assert.ok(lines.some((line) => line.length > HELD_LINE_MAX_BYTES - 20), 'and uses that room');
    });

    it('refuses a line longer than the terminal takes during a hold', async () => {
      board = await openMockBoard(heldBoard());
      boardConsole = new BoardConsole(board.port, { holdMs: HOLD_MS, typedGapMs: 1 });
      await assert.rejects(boardConsole.evaluate('"' + 'x'.repeat(HELD_LINE_MAX_BYTES) + '"'), /longer than the 448 bytes/);
    });
  });

  describe('flow control', () => {
    it('holds its writes after XOFF until XON', async () => {
      board = await openMockBoard();
      boardConsole = new BoardConsole(board.port, { writeChunkBytes: 8 });
      board.port.port.emitData(Buffer.from([0x13]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const writing = boardConsole.write('0123456789abcdef');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.strictEqual(board.port.port.recording.length, 0);
      board.port.port.emitData(Buffer.from([0x11]));
      await writing;
      assert.strictEqual(board.port.port.recording.toString(), '0123456789abcdef');
    });
  });
});
