#!/usr/bin/env node
// A simulated Espruino board for the hardware-in-the-loop rig: speaks Espruino's console protocol
// on stdin/stdout (run it behind a pseudo-terminal: socat does that in `run.js --simulated`) and
// evaluates what it is sent in the Node shim, so the bundles the rig uploads to Storage run as on a
// board and serve HTTP on 127.0.0.1.
//
// What it copies from Espruino 2v29 (src/jsinteractive.c): the banner and `>` prompt; echo of typed
// input and `=value` after an echoed statement; a line starting with byte 0x10 neither echoed nor
// answered; input gathered over lines until brackets balance (`:` prompt); asynchronous output
// printed over the prompt (CR, ESC[J, text, then the prompt again); "Uncaught ..." for errors;
// reset() (a fresh interpreter, Storage kept); Ctrl-C clearing the line, and a second Ctrl-C on an
// empty line within 5 s ending the program, as the Linux build does.
//
// Settings (environment): HIL_SIM_FS folder that require('fs') sees (default: a temp folder),
// HIL_SIM_STORAGE folder behind require('Storage') (default: a temp folder), HIL_SIM_VARIABLES
// (default 8190).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { createEspruinoContext } = require('../shim');
const { isCompleteStatement } = require('./lib/statement-gatherer');

const CTRL_C_EXIT_WINDOW_MS = 5000;
const BANNER = [
  '',
  ' ____                 _ ',
  '|  __|___ ___ ___ _ _|_|___ ___ ',
  '|  __|_ -| . |  _| | | |   | . |',
  '|____|___|  _|_| |___|_|_|_|___|',
  '         |_| espruino.com',
  ' 2v29 (c) simulated board (Node shim) for the MicroWebSrv2 HIL rig',
  '',
].join('\r\n') + '\r\n';

function scratchDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hil-sim-' + name + '-'));
}

class SimulatedBoard {
  constructor(options) {
    this.output = options.output;
    this.fsRoot = options.fsRoot;
    this.storageDir = options.storageDir;
    this.variables = options.variables;
    this.exit = options.exit;
    this.inputLine = '';
    this.echoOff = false;
    this.afterCR = false;
    this.executing = false;
    this.lastEmptyCtrlC = null;
    this.queue = [];
    this.draining = false;
    this.ctx = null;
  }

  start() {
    this.ctx = this.newContext();
    this.write(BANNER + '>');
  }

  newContext() {
    const ctx = createEspruinoContext({
      fsRoot: this.fsRoot,
      storageDir: this.storageDir,
      variables: this.variables,
      log: (line) => this.print(String(line)),
    });
    ctx.global.reset = () => {
      this.resetRequested = true;
    };
    ctx.global.quit = () => {
      this.quitRequested = true;
    };
    return ctx;
  }

  write(text) {
    this.output(Buffer.from(text, 'latin1'));
  }

  /** Output of the program: straight out while a statement runs, over the prompt otherwise. */
  print(text) {
    const body = text.split('\n').join('\r\n') + '\r\n';
    if (this.executing) this.write(body);
    else this.write('\r\x1b[J' + body + '>' + (this.echoOff ? '' : this.inputLine));
  }

  /** Bytes from the console: handled in order, one statement at a time (reset() is asynchronous). */
  receive(bytes) {
    this.queue.push(Buffer.from(bytes).toString('latin1'));
    if (!this.draining) this.drain();
  }

  async drain() {
    this.draining = true;
    while (this.queue.length) {
      const text = this.queue.shift();
      for (let i = 0; i < text.length; i++) {
        const pending = this.handleChar(text[i]);
        if (pending) await pending;
      }
    }
    this.draining = false;
  }

  handleChar(ch) {
    const code = ch.charCodeAt(0);
    const afterCR = this.afterCR;
    this.afterCR = ch === '\r';
    if (code === 0x03) return this.ctrlC();
    if (code === 0x10) {
      if (this.inputLine === '') this.echoOff = true;
      return null;
    }
    if (ch === '\n' && afterCR) return null;
    if (ch === '\r' || ch === '\n') return this.enter();
    if (code === 0x08 || code === 0x7f) {
      if (this.inputLine.length) {
        this.inputLine = this.inputLine.slice(0, -1);
        if (!this.echoOff) this.write('\b \b');
      }
      return null;
    }
    if (code < 0x20 && ch !== '\t') return null;
    this.inputLine += ch;
    if (!this.echoOff) this.write(ch);
    return null;
  }

  ctrlC() {
    if (this.inputLine === '') {
      const now = Date.now();
      if (this.lastEmptyCtrlC !== null && now - this.lastEmptyCtrlC < CTRL_C_EXIT_WINDOW_MS) {
        this.exit(0);
        return null;
      }
      this.lastEmptyCtrlC = now;
      this.write('\r\x1b[JPress Ctrl-C again to exit\r\n>');
      return null;
    }
    this.inputLine = '';
    this.echoOff = false;
    this.write('\r\n>');
    return null;
  }

  enter() {
    const echo = !this.echoOff;
    if (echo) this.write('\r\n');
    if (!isCompleteStatement(this.inputLine)) {
      this.inputLine += '\n';
      if (echo) this.write(':');
      return null;
    }
    const code = this.inputLine;
    this.inputLine = '';
    this.echoOff = false;
    if (code.trim() === '') {
      this.write('>');
      return null;
    }
    return this.execute(code, echo);
  }

  async execute(code, echo) {
    this.executing = true;
    try {
      const value = this.ctx.run(code, 'REPL');
      if (echo) this.write('=' + describeValue(value) + '\r\n');
    } catch (error) {
      this.write('Uncaught ' + describeError(error) + '\r\n');
    }
    this.executing = false;
    if (this.quitRequested) {
      this.exit(0);
      return;
    }
    if (this.resetRequested) {
      this.resetRequested = false;
      const old = this.ctx;
      this.ctx = null;
      await old.close();
      this.ctx = this.newContext();
      this.write(BANNER);
    }
    this.write('>');
  }
}

/** Roughly how Espruino's REPL prints a result after `=`. */
function describeValue(value) {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'function () { ... }';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch (error) {
      return '{ ... }';
    }
  }
  return String(value);
}

/** As the shim prints uncaught errors: the context's errors say their class through toString(). */
function describeError(error) {
  try {
    return String(error);
  } catch (conversionError) {
    return Object.prototype.toString.call(error);
  }
}

function main() {
  const board = new SimulatedBoard({
    output: (bytes) => process.stdout.write(bytes),
    fsRoot: process.env.HIL_SIM_FS || scratchDir('fs'),
    storageDir: process.env.HIL_SIM_STORAGE || scratchDir('storage'),
    variables: Number(process.env.HIL_SIM_VARIABLES) || 8190,
    exit: (code) => process.exit(code),
  });
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (bytes) => board.receive(bytes));
  process.stdin.on('end', () => process.exit(0));
  process.on('SIGHUP', () => process.exit(0));
  board.start();
}

if (require.main === module) main();

module.exports = { SimulatedBoard, BANNER };
