// The HIL rig's board console over a mock serial port (@serialport/binding-mock): a scripted board
// answers what the rig writes, and the tests pin what the rig sends and how it reads the answers.
'use strict';

const assert = require('assert');
const vm = require('vm');
const { MockBinding } = require('@serialport/binding-mock');
const { SerialPortMock } = require('serialport');
const { BoardConsole } = require('../test-hil/lib/board-console');
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
