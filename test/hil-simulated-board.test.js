// The simulated board's console (in process, no terminal), the pieces of the rig around it (statement
// gathering, the raw HTTP client's parser, board descriptions, CRC-32), and the test app's
// Espruino compatibility.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { SimulatedBoard } = require('../test-hil/simulated-board');
const { openBrackets, isCompleteStatement } = require('../test-hil/lib/statement-gatherer');
const { parseResponses } = require('../test-hil/lib/http-client');
const { loadBoard } = require('../test-hil/lib/boards');
const { crc32 } = require('../test-hil/lib/rig');
const { checkSource } = require('../scripts/lib/espruino-compat');

function makeBoard() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-sim-test-'));
  const sim = {
    out: '',
    exitCode: null,
    dir,
  };
  sim.board = new SimulatedBoard({
    output: (bytes) => { sim.out += bytes.toString('latin1'); },
    fsRoot: path.join(dir, 'fs'),
    storageDir: path.join(dir, 'storage'),
    variables: 4095,
    exit: (code) => { sim.exitCode = code; },
  });
  fs.mkdirSync(path.join(dir, 'fs'));
  sim.type = async (text) => {
    sim.board.receive(Buffer.from(text, 'latin1'));
    for (let i = 0; i < 50 && (sim.board.draining || sim.board.queue.length); i++) await new Promise((r) => setTimeout(r, 10));
  };
  sim.take = () => {
    const out = sim.out;
    sim.out = '';
    return out;
  };
  /** Waits (up to 3 s, for loaded machines) until `pattern` shows in the output, then takes it all. */
  sim.takeWhen = async (pattern) => {
    for (let i = 0; i < 300 && !pattern.test(sim.out); i++) await new Promise((r) => setTimeout(r, 10));
    return sim.take();
  };
  return sim;
}

describe('HIL simulated board: console protocol', function () {
  this.timeout(10000);
  let sim;
  beforeEach(() => {
    sim = makeBoard();
    sim.board.start();
  });
  afterEach(async () => {
    if (sim.board.ctx) await sim.board.ctx.close();
    fs.rmSync(sim.dir, { recursive: true, force: true });
  });

  it('prints the banner with espruino.com and a > prompt', () => {
    const out = sim.take();
    assert.match(out, /espruino\.com/);
    assert.ok(out.endsWith('\r\n>'));
  });

  it('echoes a typed statement and prints =value after it', async () => {
    sim.take();
    await sim.type('1+2\n');
    assert.strictEqual(sim.take(), '1+2\r\n=3\r\n>');
  });

  it('runs a DLE line without echo and without =value, printing only its output', async () => {
    sim.take();
    await sim.type('\x10print(6*7)\n');
    assert.strictEqual(sim.take(), '42\r\n>');
  });

  it('gathers lines until the brackets balance, with a : prompt', async () => {
    sim.take();
    await sim.type('(1 +\n');
    assert.strictEqual(sim.take(), '(1 +\r\n:');
    await sim.type('2)\n');
    assert.strictEqual(sim.take(), '2)\r\n=3\r\n>');
  });

  it('prints Uncaught with the error class for errors and syntax errors', async () => {
    sim.take();
    await sim.type('\x10nothing()\n');
    assert.match(sim.take(), /^Uncaught ReferenceError: nothing is not defined\r\n>$/);
    await sim.type('\x101+)\n');
    assert.match(sim.take(), /^Uncaught SyntaxError: /);
  });

  it('prints timer output over the prompt and redraws it', async () => {
    sim.take();
    await sim.type('\x10setTimeout(function () { print("later"); }, 10)\n');
    // Taken in one go: on a loaded machine the timer may fire before type() returns.
    const out = await sim.takeWhen(/later\r\n>$/);
    assert.ok(out.endsWith('\r\x1b[Jlater\r\n>'), JSON.stringify(out));
  });

  it('clears a typed line on Ctrl-C', async () => {
    await sim.type('abc');
    sim.take();
    await sim.type('\x03');
    assert.strictEqual(sim.take(), '\r\n>');
    assert.strictEqual(sim.exitCode, null);
  });

  it('exits on a second Ctrl-C on an empty line within 5 s, as the Linux build does', async () => {
    sim.take();
    await sim.type('\x03');
    assert.match(sim.take(), /Press Ctrl-C again to exit/);
    assert.strictEqual(sim.exitCode, null);
    await sim.type('\x03');
    assert.strictEqual(sim.exitCode, 0);
  });

  it('starts a fresh interpreter on reset() and keeps Storage', async () => {
    await sim.type('\x10var kept = 1; require("Storage").write("f", "data")\n');
    await sim.type('\x10reset()\n');
    assert.match(await sim.takeWhen(/espruino\.com[\s\S]*>$/), /espruino\.com[\s\S]*>$/);
    await sim.type('\x10print(typeof kept, require("Storage").read("f"))\n');
    assert.strictEqual(sim.take(), 'undefined data\r\n>');
  });
});

describe('HIL simulated board: statement gathering', () => {
  it('counts brackets outside strings and comments', () => {
    assert.strictEqual(openBrackets('f({a: [1'), 3);
    assert.strictEqual(openBrackets('print(")}]", // )'), 1);
    assert.strictEqual(openBrackets("x = '(' + \"[\\\"\""), 0);
    assert.strictEqual(openBrackets('/* ( */ a'), 0);
  });

  it('treats an unclosed block comment or template literal as unfinished', () => {
    assert.strictEqual(isCompleteStatement('/* still'), false);
    assert.strictEqual(isCompleteStatement('`a ${b}'), false);
    assert.strictEqual(isCompleteStatement('a = 1; }'), true);
  });
});

describe('HIL rig: raw HTTP response parsing', () => {
  it('reads Content-Length, chunked and body-less responses on one connection', () => {
    const data = Buffer.from(
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi' +
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno', 'latin1');
    const { responses, rest } = parseResponses(data);
    assert.deepStrictEqual(responses.map((r) => [r.status, r.text]), [[200, 'hi'], [200, 'abcde'], [204, '']]);
    assert.strictEqual(rest.toString(), 'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno');
  });

  it('gives HEAD responses no body and stops at 101 Switching Protocols', () => {
    const head = parseResponses(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'), { headRequests: 1 });
    assert.strictEqual(head.responses[0].body.length, 0);
    const upgrade = parseResponses(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi', 'latin1'));
    assert.strictEqual(upgrade.upgraded, true);
    assert.strictEqual(upgrade.rest.length, 4);
  });
});

describe('HIL rig: boards and checksums', () => {
  it('falls back to defaults, and says so, for a board without a description', () => {
    const board = loadBoard('no-such-board-here');
    assert.strictEqual(board.baudRate, 115200);
    assert.ok(board.notes.some((note) => /no description for board "no-such-board-here"/.test(note)));
  });

  it('refuses a board name that is a path', () => {
    assert.throws(() => loadBoard('../package'), /plain name/);
  });

  it('computes the CRC-32 Espruino\'s E.CRC32 reports', () => {
    assert.strictEqual(crc32(Buffer.from('123456789')), 0xcbf43926);
    if (zlib.crc32) assert.strictEqual(crc32(Buffer.from('MicroWebSrv2')), zlib.crc32(Buffer.from('MicroWebSrv2')));
  });
});

describe('HIL test app', () => {
  it('passes the Espruino 2v29 compatibility checks', () => {
    const file = path.join(__dirname, '../test-hil/board/test-app.js');
    const problems = checkSource(fs.readFileSync(file, 'utf8'), file).filter((p) => p.severity !== 'warning');
    assert.deepStrictEqual(problems, []);
  });
});
