// A client for Espruino's console (REPL), for tools that need a live session rather than one CLI
// run: over an interpreter's stdin/stdout (a Linux build started here), a Telnet console
// (tcp://host:port) or a serial port.
//
// Protocol: each statement is sent on one line starting with byte 0x10, which tells Espruino not to
// echo it; results come back as printed lines. `evaluate` prints a marker line with the JSON of the
// value; a statement that throws prints "Uncaught ..." instead, which rejects the call. Long lines
// are sent in slices with pauses, because the console's input FIFO is 1 KB on small builds.
// Never send two Ctrl-C on an empty line: the Linux build exits on it.
'use strict';

const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const SLICE_BYTES = 512;
const SLICE_PAUSE_MS = 10;

class Repl {
  constructor(transport) {
    this.transport = transport;
    this.buffer = '';
    /** Every complete line received, for callers that watch the board's log. */
    this.lines = [];
    this.waiters = [];
    this.nextId = 1;
    this.closed = false;
    this.onLine = null;
    transport.onData((text) => this.receive(text));
  }

  receive(text) {
    this.buffer += text;
    let nl;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r/g, '').replace(/\x1b\[J/g, '').replace(/^>+/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.lines.push(line);
      if (this.lines.length > 5000) this.lines.splice(0, 1000);
      if (this.onLine) this.onLine(line);
      for (const w of this.waiters.slice()) w(line);
    }
  }

  /** Rejects every pending call (the connection or the interpreter is gone). */
  fail(reason) {
    this.failure = reason;
    for (const w of this.waiters.slice()) w(null, reason);
  }

  /** Resolves with the first line for which `test` returns a value other than undefined. */
  waitFor(test, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const waiter = (line, failure) => {
        if (failure) {
          done();
          reject(new Error(failure));
          return;
        }
        let result;
        try {
          result = test(line);
        } catch (e) {
          done();
          reject(e);
          return;
        }
        if (result !== undefined) {
          done();
          resolve(result);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('no answer from Espruino within ' + timeoutMs + ' ms' + (what ? ' (' + what + ')' : '') +
          '; last lines: ' + JSON.stringify(this.lines.slice(-5))));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      this.waiters.push(waiter);
    });
  }

  async send(text) {
    if (this.failure) throw new Error(this.failure);
    for (let i = 0; i < text.length; i += SLICE_BYTES) {
      this.transport.write(text.slice(i, i + SLICE_BYTES));
      if (text.length > SLICE_BYTES) await sleep(SLICE_PAUSE_MS);
    }
  }

  /** Runs one single-line statement; resolves when Espruino has run it, rejects on an error it prints. */
  async run(statement, timeoutMs) {
    const id = this.nextId++;
    const marker = '@@D' + id;
    const wait = this.waitFor((line) => {
      if (line === marker) return true;
      if (/^Uncaught /.test(line) || /OUT OF MEMORY|Out of Memory|FIFO_FULL/i.test(line)) {
        throw new Error('Espruino: ' + line + ' (running ' + statement.slice(0, 120) + (statement.length > 120 ? '...' : '') + ')');
      }
      return undefined;
    }, timeoutMs || 30000, statement.slice(0, 80));
    // The answer may fail while a long line is still being sent: handled when awaited below.
    wait.catch(() => {});
    await this.send('\x10' + statement + '\n\x10print(' + JSON.stringify(marker) + ')\n');
    return wait;
  }

  /** The JSON value of an expression, evaluated on the board. */
  async evaluate(expression, timeoutMs) {
    const id = this.nextId++;
    const ok = '@@R' + id + ' ';
    const wait = this.waitFor((line) => {
      if (line.indexOf(ok) === 0) return JSON.parse(line.slice(ok.length));
      if (/^Uncaught /.test(line) || /OUT OF MEMORY|Out of Memory|FIFO_FULL/i.test(line)) {
        throw new Error('Espruino: ' + line + ' (evaluating ' + expression.slice(0, 120) + ')');
      }
      return undefined;
    }, timeoutMs || 30000, expression.slice(0, 80));
    wait.catch(() => {});
    await this.send('\x10print(' + JSON.stringify(ok) + '+JSON.stringify(' + expression + '))\n');
    return wait;
  }

  /** Variables in use after a garbage collection (process.memory() collects first). */
  usage() {
    return this.evaluate('process.memory().usage');
  }

  close() {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.transport.close();
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts a Linux build of Espruino in `cwd` (its Storage is ./espruino.flash there). By default the
 * session goes through its Telnet console (TCP 2323, the only port the Linux build offers): the
 * build reads stdin on a second thread that races with the interpreter over the input queue, and a
 * long upload through stdin ends, sooner or later, in `ASSERT(len <= 64) FAILED` (seen about once
 * per 100 KB). `telnet: false` uses stdin/stdout anyway (short sessions). stdin is a pipe left idle,
 * not /dev/null, which would fill the input FIFO. The process is stopped with SIGKILL: it ignores
 * SIGTERM in interactive mode.
 */
async function spawnEspruino(bin, options) {
  options = options || {};
  const useTelnet = options.telnet !== false;
  if (useTelnet && await portInUse(TELNET_PORT)) {
    throw new Error('TCP port ' + TELNET_PORT + ' is taken: another `espruino --telnet` is running (stop it first)');
  }
  const ownCwd = !options.cwd;
  const cwd = options.cwd || fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-espruino-'));
  const child = spawn(bin, (useTelnet ? ['--telnet'] : []).concat(options.args || []), { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let onData = null;
  let exited = false;
  let console = '';
  child.stdout.on('data', (d) => {
    const text = d.toString('latin1');
    if (onData) onData(text);
    else console += text;
  });
  child.stderr.on('data', (d) => { if (onData) onData(d.toString('latin1')); });
  child.stdin.on('error', () => {});
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
    // A scratch folder made here holds only the interpreter's Storage file: remove it.
    return exit.then((how) => {
      if (ownCwd) fs.rmSync(cwd, { recursive: true, force: true });
      return how;
    });
  };
  let repl;
  if (useTelnet) {
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        repl = await connectTcp('127.0.0.1', TELNET_PORT);
        break;
      } catch (e) {
        if (exited || Date.now() > deadline) {
          await kill();
          throw new Error('the interpreter did not open its Telnet console: ' + console.slice(-200));
        }
        await sleep(100);
      }
    }
    const closeTcp = repl.transport.close;
    repl.transport.close = () => closeTcp().then(kill);
    // Its own console (stdout) is quiet while Telnet has the console; a crash prints there.
    onData = (text) => { console = (console + text).slice(-2000); };
    exit.then(() => repl.fail('the interpreter exited: ' + JSON.stringify(console.slice(-300))));
  } else {
    repl = new Repl({
      onData: (fn) => { onData = fn; },
      write: (text) => { if (!exited) child.stdin.write(Buffer.from(text, 'latin1')); },
      close: kill,
    });
    if (console) repl.receive(console);
    await repl.evaluate('1');
  }
  repl.child = child;
  repl.cwd = cwd;
  repl.exit = exit;
  return repl;
}

const TELNET_PORT = 2323;

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** A Telnet console: the Linux build's --telnet (port 2323), or an ESP32's (port 23). */
function connectTcp(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let onData = null;
    socket.on('data', (d) => { if (onData) onData(d.toString('latin1')); });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      const repl = new Repl({
        onData: (fn) => { onData = fn; },
        write: (text) => socket.write(Buffer.from(text, 'latin1')),
        close: () => new Promise((r) => { socket.end(); socket.once('close', r); setTimeout(r, 500); }),
      });
      repl.evaluate('1').then(() => resolve(repl), reject);
    });
  });
}

/** A serial port (the `serialport` package). */
function connectSerial(portPath, baudRate) {
  const { SerialPort } = require('serialport');
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: portPath, baudRate: baudRate || 115200 }, (err) => {
      if (err) return reject(err);
      const repl = new Repl({
        onData: (fn) => port.on('data', (d) => fn(d.toString('latin1'))),
        write: (text) => port.write(Buffer.from(text, 'latin1')),
        close: () => new Promise((r) => port.close(() => r())),
      });
      repl.evaluate('1').then(() => resolve(repl), reject);
    });
  });
}

/** `--port`: tcp://host:port or a serial device. */
function connectPort(port, baudRate) {
  if (port.indexOf('tcp://') === 0) {
    const rest = port.slice(6);
    const colon = rest.lastIndexOf(':');
    return connectTcp(colon >= 0 ? rest.slice(0, colon) : rest, colon >= 0 ? Number(rest.slice(colon + 1)) : 23);
  }
  return connectSerial(port, baudRate);
}

module.exports = { Repl, spawnEspruino, connectTcp, connectSerial, connectPort, sleep };
