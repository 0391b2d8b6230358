// The rig: opens the board's console (a serial device, a Telnet console, or a board it starts
// itself behind a pseudo-terminal), prepares the board (reset, bundles and test app into Storage,
// server started) and gives the suite what it needs: the server's address, what the board offers,
// the console, and the memory ledger.
'use strict';

const fs = require('fs');
const net = require('net');
const path = require('path');
const { SerialPort } = require('serialport');
const { BoardConsole } = require('./board-console');
const { MemoryLedger } = require('./memory-ledger');
const { loadBoard } = require('./boards');
const protocol = require('./protocol');
const targets = require('./targets');
const http = require('./http-client');
const { bundleNames, distDir } = require('../../scripts/lib/bundles');

const TEST_APP_FILE = path.join(__dirname, '..', 'board', 'test-app.js');
const TEST_APP_MODULE = 'hil-app';
const ROOT_PATH = 'hilroot';
const SETUP_MODULE = 'hil-setup';

/**
 * Reads the rig's settings from the environment and the command line.
 * @param {NodeJS.ProcessEnv} env
 * @param {{simulated?: boolean}} flags
 */
function configFromEnv(env, flags) {
  const board = loadBoard(env.HIL_BOARD);
  let kind = 'port';
  if (flags.simulated) kind = 'simulated';
  else if (env.HIL_ESPRUINO) kind = 'espruino';
  else if (!env.HIL_PORT) kind = null;
  const local = kind === 'simulated' || kind === 'espruino';
  const espruinoConsole = env.HIL_ESPRUINO_CONSOLE === 'pty' ? 'pty' : 'telnet';
  const baudRate = Number(env.HIL_BAUD) || board.baudRate;
  const pacing = consolePacing(kind, env.HIL_PORT, espruinoConsole, baudRate);
  if (env.HIL_WRITE_CHUNK !== undefined && env.HIL_WRITE_CHUNK !== '') {
    pacing.writeChunkBytes = Number(env.HIL_WRITE_CHUNK);
    if (!(pacing.writeChunkBytes >= 0)) throw new Error('HIL_WRITE_CHUNK must be a number of bytes (0: whole lines): ' + env.HIL_WRITE_CHUNK);
  }
  return {
    kind,
    portSpec: env.HIL_PORT || null,
    espruinoPath: env.HIL_ESPRUINO || null,
    espruinoConsole,
    baudRate,
    host: env.HIL_HOST || (local ? '127.0.0.1' : null),
    httpPort: Number(env.HIL_HTTP_PORT) || (local ? 0 : board.httpPort),
    board,
    tolerance: Number(env.HIL_MEM_TOLERANCE) || board.memoryTolerance,
    uploadChunkBytes: Number(env.HIL_UPLOAD_CHUNK) || protocol.DEFAULT_UPLOAD_CHUNK_BYTES,
    writeChunkBytes: pacing.writeChunkBytes,
    bytesPerSecond: pacing.bytesPerSecond,
    holdMs: pacing.holdMs,
    forceUpload: env.HIL_FORCE_UPLOAD === '1',
    verbose: env.HIL_VERBOSE === '1',
    readyTimeoutMs: Number(env.HIL_READY_TIMEOUT) || 30000,
    setupFile: env.HIL_SETUP || null,
  };
}

/** A console's largest write, for consoles read by a UART or a USB endpoint. */
const SERIAL_CHUNK_BYTES = 64;
/** How long the Linux build's terminal keeps the board busy after each statement (see BoardConsole). */
const LINUX_TERMINAL_HOLD_MS = 200;

/**
 * How the rig writes to each kind of console (test-hil/README.md, "Console pacing").
 * - A serial device: 64-byte pieces (an Espruino input event, a USB packet), each drained and spaced
 *   by its wire time at the baud rate, so the rig is one piece ahead of the wire at most and stops
 *   within a piece when the board sends XOFF (a USB bridge holds what the OS hands it).
 * - The simulated board: 64-byte pieces too (the same path as a bench), with no baud rate to keep.
 * - The Linux build's terminal: whole lines, each inside a hold (see BoardConsole.startHold):
 *   smaller pieces do not help there, the lines reach a thread that races the main loop.
 * - A Telnet console (a board's, or the Linux build's): whole lines; TCP and the main loop pace it.
 */
function consolePacing(kind, portSpec, espruinoConsole, baudRate) {
  if (kind === 'espruino') {
    return espruinoConsole === 'pty' ? { writeChunkBytes: 0, bytesPerSecond: 0, holdMs: LINUX_TERMINAL_HOLD_MS } : { writeChunkBytes: 0, bytesPerSecond: 0, holdMs: 0 };
  }
  if (kind === 'simulated') return { writeChunkBytes: SERIAL_CHUNK_BYTES, bytesPerSecond: 0, holdMs: 0 };
  if (kind === 'port' && !/^tcp:\/\//.test(portSpec || '')) return { writeChunkBytes: SERIAL_CHUNK_BYTES, bytesPerSecond: baudRate / 10, holdMs: 0 };
  return { writeChunkBytes: 0, bytesPerSecond: 0, holdMs: 0 };
}

class Rig {
  constructor(config, log) {
    this.config = config;
    this.log = log || ((line) => process.stdout.write(line + '\n'));
    this.target = null;
    this.console = null;
    this.host = config.host;
    this.port = config.httpPort;
    this.features = {};
    this.ledger = null;
    this.description = '';
    this.terminal = null;
    /** What the warm-up before the baseline did not get (see warmUp). */
    this.warmUpProblems = [];
  }

  /** Starts or opens the board and gets a prompt. */
  async open() {
    const config = this.config;
    let stream;
    if (config.kind === 'simulated') {
      this.target = await targets.startSimulatedBoard({ variables: config.board.variables || undefined });
      this.description = 'simulated board (Node shim) on ' + this.target.ptyPath;
      stream = await openSerial(this.target.ptyPath, config.baudRate);
    } else if (config.kind === 'espruino') {
      this.target = await targets.startEspruino(config.espruinoPath, { telnet: config.espruinoConsole !== 'pty' });
      // The terminal is opened either way: unread, its output would fill up and stall the interpreter.
      const terminal = await openSerial(this.target.ptyPath, config.baudRate);
      if (this.target.telnet) {
        this.terminal = terminal;
        terminal.on('data', () => {});
        stream = await retry(() => openTcp(this.target.telnet.host, this.target.telnet.port), 5000);
        this.description = 'Espruino ' + path.basename(config.espruinoPath) + ', Telnet console ' +
          this.target.telnet.host + ':' + this.target.telnet.port + ' (terminal ' + this.target.ptyPath + ')';
      } else {
        stream = terminal;
        this.description = 'Espruino ' + path.basename(config.espruinoPath) + ' on ' + this.target.ptyPath;
      }
    } else if (/^tcp:\/\//.test(config.portSpec)) {
      const [host, port] = config.portSpec.slice('tcp://'.length).split(':');
      this.description = 'Telnet console ' + config.portSpec;
      stream = await openTcp(host, Number(port) || 23);
    } else {
      this.description = 'serial ' + config.portSpec + ' at ' + config.baudRate + ' baud';
      stream = await openSerial(config.portSpec, config.baudRate);
    }
    if (!this.port) this.port = await freePort();
    this.console = new BoardConsole(stream, {
      onLine: config.verbose ? (line) => this.log('  [board] ' + line) : null,
      uploadChunkBytes: config.uploadChunkBytes,
      writeChunkBytes: config.writeChunkBytes,
      bytesPerSecond: config.bytesPerSecond,
      holdMs: config.holdMs,
    });
    await this.console.getPrompt(10000);
  }

  /** Reset, upload what changed, start the test app, warm up, and take the memory baseline. */
  async prepare() {
    const board = this.console;
    await board.reset(15000);
    const files = bundleNames().map((name) => ({ name, data: fs.readFileSync(path.join(distDir, name + '.min.js')) }));
    files.push({ name: TEST_APP_MODULE, data: fs.readFileSync(TEST_APP_FILE) });
    for (const file of files) await this.uploadIfChanged(file.name, file.data);

    if (this.config.setupFile) await this.runSetup();

    const ready = board.waitForLine(/^HIL-READY /, this.config.readyTimeoutMs);
    ready.catch(() => {});
    await board.run('global.HIL=require(' + protocol.quoteBytes(TEST_APP_MODULE) + ').start({port:' + this.port +
      ',root:' + protocol.quoteBytes(ROOT_PATH) + '})', this.config.readyTimeoutMs);
    this.readReadyLine(await ready);
    // The app prints its ready line right after listen(); on the simulated board (Node) the port is
    // bound a moment later, so wait until it takes connections.
    await waitForPort(this.host, this.port, this.config.readyTimeoutMs);
    this.warmUpProblems = await this.warmUp();
    this.ledger = new MemoryLedger(board, this.config.tolerance);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await this.ledger.setBaseline();
  }

  /**
   * The bench's own setup (HIL_SETUP=file.js, kept out of the repository: it holds credentials),
   * run after each reset: a module exporting `function (done)` that brings the network up and
   * calls `done()` (or `done(error)`), e.g. a Pico connecting its ESP8266 to WiFi.
   */
  async runSetup() {
    await this.uploadIfChanged(SETUP_MODULE, fs.readFileSync(this.config.setupFile));
    const done = this.console.waitForLine(/^HIL-SETUP /, this.config.readyTimeoutMs);
    done.catch(() => {});
    await this.console.run('require(' + protocol.quoteBytes(SETUP_MODULE) + ')(function(e){print("HIL-SETUP "+(e?"failed: "+e:"ok"))})');
    const line = await done;
    if (line !== 'HIL-SETUP ok') throw new Error('the bench setup (' + this.config.setupFile + ') reported: ' + line.slice('HIL-SETUP '.length));
  }

  async uploadIfChanged(name, data) {
    const started = Date.now();
    if (!this.config.forceUpload) {
      const stored = await this.console.evaluate('(function(f){return f===undefined?null:[f.length,typeof E.CRC32=="function"?E.CRC32(f):null]})(require("Storage").read(' + protocol.quoteBytes(name) + '))');
      if (stored && stored[0] === data.length && stored[1] !== null && (stored[1] >>> 0) === crc32(data)) {
        this.log('  ' + name + ': ' + data.length + ' bytes, already in Storage');
        return;
      }
    }
    let shown = 0;
    await this.console.upload(name, data, (written, total) => {
      if (this.config.verbose || written === total || written - shown >= 16384) {
        shown = written;
        if (written === total) this.log('  ' + name + ': ' + total + ' bytes uploaded in ' + (Date.now() - started) + ' ms');
      }
    });
  }

  readReadyLine(line) {
    const match = /^HIL-READY (\S+) (\d+) (.*)$/.exec(line);
    if (!match) throw new Error('unreadable ready line: ' + line);
    this.features = JSON.parse(match[3]);
    this.port = Number(match[2]);
    if (!this.host && match[1] !== '-') this.host = match[1];
    if (!this.host) {
      throw new Error('the board did not say its address (no Wifi/Ethernet IP): set HIL_HOST to the board\'s IP address');
    }
  }

  /**
   * One pass over every feature, so caches the server fills on first use are in the baseline.
   * Resolves with what did not answer as expected (a board short of memory refuses with 503): the
   * tests that need it will fail and say so; the warm-up goes on.
   */
  async warmUp() {
    const target = this.httpTarget();
    const problems = [];
    const get = async (path, expected) => {
      try {
        const res = await http.request(target, http.simple('GET', path));
        if (res.status !== expected) problems.push('GET ' + path + ': ' + res.status);
      } catch (error) {
        problems.push('GET ' + path + ': ' + error.message);
      }
    };
    await get('/hil/hello', 200);
    await get('/hil/missing', 404);
    if (this.features.files) await get('/hello.txt', 200);
    if (this.features.templates) await get('/page.pyhtml', 200);
    if (this.features.websockets) {
      const { echoOnce } = require('./ws-echo');
      await echoOnce(this.wsUrl('/hil/ws'), 'warm-up').catch((error) => problems.push('WebSocket /hil/ws: ' + error.message));
    }
    return problems;
  }

  httpTarget() {
    return { host: this.host, port: this.port };
  }

  wsUrl(pathname) {
    const host = this.host.indexOf(':') >= 0 ? '[' + this.host + ']' : this.host;
    return 'ws://' + host + ':' + this.port + pathname;
  }

  /** Stops the server, closes the console, and stops a board the rig started (checking it is gone). */
  async close() {
    const problems = [];
    if (this.console && !this.console.closed) {
      try {
        await this.console.run('if(global.HIL)require(' + protocol.quoteBytes(TEST_APP_MODULE) + ').stop(global.HIL)', 5000);
      } catch (error) {
        problems.push('stopping the test app: ' + error.message);
      }
      await this.console.close().catch((error) => problems.push('closing the console: ' + error.message));
    }
    if (this.terminal) await new Promise((resolve) => this.terminal.close(() => resolve()));
    if (this.target) await this.target.stop().catch((error) => problems.push(error.message));
    return problems;
  }
}

function openSerial(portPath, baudRate) {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: portPath, baudRate, autoOpen: false });
    port.open((error) => (error ? reject(new Error('cannot open ' + portPath + ': ' + error.message)) : resolve(port)));
  });
}

function openTcp(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (error) => reject(new Error('cannot reach the console at ' + host + ':' + port + ': ' + error.message)));
  });
}

/** Calls `attempt` until it resolves (a board's console may take a moment to listen). */
async function retry(attempt, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Resolves once `host:port` accepts a TCP connection; rejects after `timeoutMs`. */
async function waitForPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = await new Promise((resolve) => {
      const socket = net.connect(port, host);
      socket.on('connect', () => { socket.destroy(); resolve(null); });
      socket.on('error', resolve);
    });
    if (error === null) return;
    if (Date.now() > deadline) throw new Error('the board said it was ready, but ' + host + ':' + port + ' refuses connections: ' + error.message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** CRC-32 (IEEE), as Espruino's E.CRC32. */
function crc32(bytes) {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i];
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

module.exports = { Rig, configFromEnv, consolePacing, crc32, TEST_APP_MODULE, ROOT_PATH, SERIAL_CHUNK_BYTES, LINUX_TERMINAL_HOLD_MS };
