// The console client used by `npm run mem` (scripts/lib/repl.js) and the memory breakdown helpers
// (scripts/lib/mem-probe.js), against fake transports. No interpreter needed.
'use strict';

const assert = require('assert');
const acorn = require('acorn');

const { Repl } = require('../scripts/lib/repl');
const probe = require('../scripts/lib/mem-probe');

/** A transport that records what is written and lets the test answer as Espruino would. */
function fakeTransport() {
  const t = {
    written: [],
    onData(fn) { t.deliver = fn; },
    write(text) { t.written.push(text); },
    close() { return Promise.resolve(); },
  };
  return t;
}

/** Answers each statement line by evaluating a reply function on it. */
function autoAnswer(t, reply) {
  const write = t.write;
  t.write = (text) => {
    write(text);
    for (const line of text.split('\n')) {
      if (line.charAt(0) !== '\x10') continue;
      const answer = reply(line.slice(1));
      if (answer !== undefined) setImmediate(() => t.deliver(answer));
    }
  };
}

describe('console client', () => {
  it('sends statements with echo off (0x10) and reads the marked JSON result', async () => {
    const t = fakeTransport();
    autoAnswer(t, (line) => {
      const m = /^print\("(@@R\d+ )"\+JSON\.stringify\((.*)\)\)$/.exec(line);
      return m ? '>' + m[1] + JSON.stringify({ usage: 123, expr: m[2] }) + '\r\n' : undefined;
    });
    const repl = new Repl(t);
    const value = await repl.evaluate('process.memory()');
    assert.deepStrictEqual(value, { usage: 123, expr: 'process.memory()' });
    assert.strictEqual(t.written[0].charAt(0), '\x10');
  });

  it('rejects when Espruino prints an uncaught error instead of the result', async () => {
    const t = fakeTransport();
    autoAnswer(t, () => 'Uncaught ReferenceError: "mws2" is not defined\r\n');
    const repl = new Repl(t);
    await assert.rejects(repl.evaluate('mws2.pool'), /Espruino: Uncaught ReferenceError: "mws2" is not defined/);
  });

  it('rejects on OUT OF MEMORY, which stops the statement without an error object', async () => {
    const t = fakeTransport();
    autoAnswer(t, () => 'ERROR: Out of Memory!\r\n');
    await assert.rejects(new Repl(t).run('var big = new Array(99999)'), /Out of Memory/);
  });

  it('run resolves once the marker printed after the statement comes back, lines split anywhere', async () => {
    const t = fakeTransport();
    autoAnswer(t, (line) => {
      const m = /^print\("(@@D\d+)"\)$/.exec(line);
      if (!m) return undefined;
      setImmediate(() => t.deliver(m[1].slice(0, 3)));
      return m[1].slice(3) + '\r\n>';
    });
    const repl = new Repl(t);
    assert.strictEqual(await repl.run('var x = 1'), true);
    assert.ok(t.written.join('').indexOf('\x10var x = 1\n') === 0);
  });

  it('long lines are sent in slices of at most 512 bytes (the console FIFO is 1 KB)', async () => {
    const t = fakeTransport();
    const repl = new Repl(t);
    await repl.send('x'.repeat(1300));
    assert.deepStrictEqual(t.written.map((w) => w.length), [512, 512, 276]);
  });

  it('a failed transport rejects what is pending and what comes next', async () => {
    const t = fakeTransport();
    const repl = new Repl(t);
    const pending = repl.evaluate('1');
    repl.fail('the interpreter exited');
    await assert.rejects(pending, /the interpreter exited/);
    await assert.rejects(repl.evaluate('2'), /the interpreter exited/);
  });

  it('times out with the last lines it saw', async () => {
    const t = fakeTransport();
    const repl = new Repl(t);
    t.deliver('something else\r\n');
    await assert.rejects(repl.evaluate('1', 50), /no answer from Espruino within 50 ms.*something else/);
  });
});

describe('memory breakdown helpers', () => {
  it('the code sent to Espruino is ES5, one statement a line', () => {
    for (const line of probe.DEFINE_HELPERS.concat([probe.connectionTreeExpression(0)])) {
      assert.strictEqual(line.indexOf('\n'), -1);
      acorn.parse(line, { ecmaVersion: 5 });
    }
  });

  it('totals a tree and lists children largest first', () => {
    const tree = { own: 16, kids: { socket: { own: 23, kids: {} }, handler: { own: 44, kids: { reader: { own: 39, kids: {} } } } } };
    assert.strictEqual(probe.treeTotal(tree), 122);
    assert.deepStrictEqual(probe.formatTree(tree, 'Connection'), [
      'Connection: 16 own, 122 with what it holds',
      '  handler: 44 own, 83 with what it holds',
      '    reader: 39 own',
      '  socket: 23 own',
    ]);
  });
});
