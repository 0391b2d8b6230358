// The board's console over any byte stream (a SerialPort, a net.Socket to a Telnet console, or a
// mock port in unit tests): gets a prompt, resets the board, runs statements and reads values back
// through marker lines, uploads files to Storage, and keeps every line the board printed on its own
// (server logs, "Uncaught ..." exceptions) for the report.
'use strict';

const protocol = require('./protocol');

const XON = 0x11;
const XOFF = 0x13;
/** Lines Espruino prints when it stops a statement half-way (out of memory, interrupted). */
const ABORTED = /^Execution Interrupted|OUT OF MEMORY|^New interpreter error: /;
/** Lines Espruino prints when it starts or resets (its ASCII banner). */
const BANNER_LINE = /espruino\.com|^ ?\d+v\d+(\.\d+)? \(c\)|Espruino is Open Source/;
/**
 * Held console (the Linux build's terminal, see `startHold`): the rig writes a line at most this
 * long after the board's answer or hold acknowledgement. The hold must outlast it plus two passes
 * of the reader thread (every 50 ms; a line may arrive in two pieces) with room for a loaded machine.
 */
const HELD_WRITE_WINDOW_MS = 40;
/**
 * Held console: lines written outside a hold (the primer, reset()) go in pieces this small, a
 * reader pass apart, so the reader never adds a character to an event the main loop may be taking.
 */
const TYPED_PIECE_BYTES = 2;
const TYPED_GAP_MS = 60;
/** Held console: the longest line the reader takes during a hold (it stops at half of its 1 KB queue). */
const HELD_LINE_MAX_BYTES = 448;

class BoardConsole {
  /**
   * @param {import('stream').Duplex} stream bytes to and from the board
   * @param {object} [options]
   * @param {(line: string) => void} [options.onLine] every complete console line, as received (a transcript)
   * @param {number} [options.timeoutMs] default time a command may take (10 s)
   * @param {number} [options.enterTimeoutMs] time a board at rest takes to answer Enter with a prompt (2 s)
   * @param {number} [options.writeChunkBytes] largest piece written at once; pieces wait for XON after an XOFF (default: no split)
   * @param {number} [options.bytesPerSecond] the console's wire speed (baud / 10): pieces are spaced so
   *   the rig is never more than one piece ahead of the wire, and an XOFF stops it within a piece
   * @param {number} [options.holdMs] the Linux build's terminal: every statement ends by keeping the
   *   board busy this long, and the rig writes the next line within that time (see `startHold`)
   * @param {number} [options.typedGapMs] held console: pause between typed pieces (default: a reader pass)
   * @param {number} [options.uploadChunkBytes] raw bytes per Storage.write line
   * @param {protocol.CtrlCGuard} [options.ctrlCGuard]
   */
  constructor(stream, options) {
    const settings = options || {};
    this.stream = stream;
    this.onLine = settings.onLine || null;
    this.timeoutMs = settings.timeoutMs || 10000;
    this.enterTimeoutMs = settings.enterTimeoutMs || 2000;
    this.writeChunkBytes = settings.writeChunkBytes || 0;
    this.bytesPerSecond = settings.bytesPerSecond || 0;
    this.holdMs = settings.holdMs || 0;
    this.typedGapMs = settings.typedGapMs || TYPED_GAP_MS;
    /** Date.now() until which a line written is read inside the board's hold. */
    this.heldUntil = 0;
    this.primerReady = false;
    this.holdAcks = 0;
    this.uploadChunkBytes = settings.uploadChunkBytes || protocol.DEFAULT_UPLOAD_CHUNK_BYTES;
    this.ctrlCGuard = settings.ctrlCGuard || new protocol.CtrlCGuard();
    /** Lines the board printed that were not answers to the rig (logs, exceptions, banner). */
    this.logs = [];
    /** "Uncaught ..." lines, in order. */
    this.exceptions = [];
    this.tail = '';
    this.promptCount = 0;
    this.markerCount = 0;
    this.paused = false;
    this.closed = false;
    this.waiters = new Set();
    this.onData = (data) => this.receive(data);
    this.onClose = () => {
      this.closed = true;
      this.notify();
    };
    // A board process that died leaves its terminal failing with EIO: say so instead of crashing the rig.
    this.onError = (error) => {
      this.error = error;
      this.closed = true;
      this.notify();
    };
    stream.on('data', this.onData);
    stream.on('close', this.onClose);
    stream.on('error', this.onError);
  }

  // ---- reading ----

  receive(data) {
    let text = Buffer.isBuffer(data) ? data.toString('latin1') : String(data);
    if (text.indexOf(String.fromCharCode(XOFF)) >= 0 || text.indexOf(String.fromCharCode(XON)) >= 0) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === XOFF) this.paused = true;
        else if (code === XON) this.paused = false;
      }
      text = text.replace(/[\x11\x13]/g, '');
    }
    const { lines, tail } = protocol.splitLines(this.tail + text);
    this.tail = tail;
    for (const line of lines) this.keepLine(line);
    if (text.length > 0 && protocol.promptState(this.tail) !== null) this.promptCount++;
    this.notify();
  }

  keepLine(line) {
    if (this.onLine) this.onLine(line);
    const text = protocol.withoutPrompt(line);
    if (text === protocol.HOLD_ACK) {
      this.holdAcks++;
      this.heldUntil = Date.now() + HELD_WRITE_WINDOW_MS;
      return;
    }
    if (protocol.isMarkerLine(text)) {
      this.lastMarkerLine = text;
      return;
    }
    if (text === '' || text === '>') return;
    const entry = { at: Date.now(), text };
    this.logs.push(entry);
    if (/^Uncaught /.test(text)) this.exceptions.push(entry);
    for (const waiter of this.waiters) if (waiter.line) waiter.line(text);
  }

  notify() {
    for (const waiter of this.waiters) waiter.check();
  }

  /**
   * Resolves when `check()` returns a value other than undefined; rejects after timeoutMs or when the
   * stream closes. `onLine` (optional) sees each new log line while waiting.
   */
  waitUntil(check, timeoutMs, what, onLine) {
    return new Promise((resolve, reject) => {
      const waiter = {
        line: onLine || null,
        check: () => {
          let value;
          try {
            value = check();
          } catch (error) {
            finish();
            reject(error);
            return;
          }
          if (value !== undefined) {
            finish();
            resolve(value);
          } else if (this.closed) {
            finish();
            reject(new Error('the console ' + (this.error ? 'failed (' + this.error.message + ')' : 'closed') + ' while waiting for ' + what + lastWords(this)));
          }
        },
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error('timed out after ' + timeoutMs + ' ms waiting for ' + what + lastWords(this)));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  /** Waits for a prompt (or continuation prompt) printed after `sinceCount`; resolves with its kind. */
  waitForPrompt(sinceCount, timeoutMs) {
    return this.waitUntil(() => {
      if (this.promptCount <= sinceCount) return undefined;
      const state = protocol.promptState(this.tail);
      return state === null ? undefined : state;
    }, timeoutMs, 'a prompt');
  }

  /** Resolves with the first log line (printed from now on) that matches `pattern`. */
  waitForLine(pattern, timeoutMs) {
    let found;
    return this.waitUntil(() => found, timeoutMs || this.timeoutMs, 'a line matching ' + pattern, (line) => {
      if (found === undefined && pattern.test(line)) found = line;
    });
  }

  // ---- writing ----

  /**
   * Writes `text` in pieces of `pieceBytes` (default: writeChunkBytes, else at once). Each piece
   * waits for XON after an XOFF, for the port to drain, for the wire time at bytesPerSecond, and
   * for `gapMs` before the next one.
   */
  async write(text, pieceBytes, gapMs) {
    if (this.closed) throw new Error('the console is closed');
    const bytes = Buffer.from(text, 'latin1');
    const piece = pieceBytes || this.writeChunkBytes || bytes.length;
    for (let offset = 0; offset < bytes.length; offset += piece) {
      if (this.paused) await this.waitUntil(() => (this.paused ? undefined : true), this.timeoutMs, 'XON from the board');
      const started = Date.now();
      const part = bytes.subarray(offset, offset + piece);
      await new Promise((resolve, reject) => {
        this.stream.write(part, (error) => (error ? reject(error) : resolve()));
      });
      const more = offset + piece < bytes.length;
      if (more && piece < bytes.length && typeof this.stream.drain === 'function') {
        await new Promise((resolve, reject) => this.stream.drain((error) => (error ? reject(error) : resolve())));
      }
      if (more && this.bytesPerSecond) await delay(started + (part.length * 1000) / this.bytesPerSecond - Date.now());
      if (more && gapMs) await delay(gapMs);
    }
  }

  /** A line no hold covers: typed in small pieces on a held console, written at once elsewhere. */
  writeUnheld(line) {
    return this.holdMs ? this.write(line, TYPED_PIECE_BYTES, this.typedGapMs) : this.write(line);
  }

  /** Sends Ctrl-C, never twice within the interpreter's exit window (waits instead). */
  async ctrlC() {
    for (let wait = this.ctrlCGuard.waitBeforeNext(); wait > 0; wait = this.ctrlCGuard.waitBeforeNext()) {
      await delay(Math.min(wait, 100));
    }
    this.ctrlCGuard.record();
    await this.write(protocol.CTRL_C);
  }

  /**
   * Brings the console to an empty `>` prompt: Enter first (a running board answers with a
   * prompt), Ctrl-C only to clear a half-typed statement or interrupt a busy one.
   */
  async getPrompt(timeoutMs) {
    const limit = timeoutMs || this.timeoutMs;
    let since = this.promptCount;
    await this.write('\n');
    let state = await this.waitForPrompt(since, Math.min(limit, this.enterTimeoutMs)).catch(() => null);
    if (state === 'prompt') return;
    since = this.promptCount;
    await this.ctrlC();
    state = await this.waitForPrompt(since, limit).catch(() => null);
    if (state === 'prompt') return;
    throw new Error('no prompt from the board after Enter and one Ctrl-C' + lastWords(this) +
      '\nIs the console on this port, at this baud rate? Is the board hung? (see test-hil/README.md, "When a board hangs")');
  }

  /** Runs reset() and waits for the banner and the prompt after it. */
  async reset(timeoutMs) {
    const limit = timeoutMs || this.timeoutMs;
    await this.getPrompt(limit);
    let bannerAt = -1;
    const banner = this.waitUntil(() => (bannerAt >= 0 && this.promptCount > bannerAt &&
      protocol.promptState(this.tail) === 'prompt' ? true : undefined), limit, 'the banner after reset()', (line) => {
      if (bannerAt < 0 && BANNER_LINE.test(line)) bannerAt = this.promptCount;
    });
    await this.writeUnheld(protocol.frameLine('reset()'));
    await banner;
    // reset() took the primer with everything else.
    this.primerReady = false;
    this.heldUntil = 0;
  }

  /**
   * Evaluates a one-line expression on the board and resolves with its value (through JSON).
   * Rejects with the board's message when it throws.
   */
  async evaluate(expression, timeoutMs) {
    const value = await this.marked((id) => protocol.markerCommand(id, expression), timeoutMs);
    if (value && typeof value === 'object' && typeof value.error === 'string' && Object.keys(value).length === 1) {
      throw new Error('the board threw: ' + value.error + ' (evaluating ' + shorten(expression) + ')');
    }
    return value;
  }

  /**
   * Runs one-line statements on the board, inside a function (declare what must outlive them on
   * `global`); rejects with the board's message when they throw.
   */
  async run(statements, timeoutMs) {
    await this.evaluate('(function(){' + statements + '})()', timeoutMs);
  }

  async marked(makeCommand, timeoutMs) {
    const id = 'm' + (++this.markerCount);
    const line = this.markedLine(makeCommand(id));
    if (this.holdMs && line.length > HELD_LINE_MAX_BYTES) {
      throw new Error('a ' + line.length + '-byte line is longer than the ' + HELD_LINE_MAX_BYTES + ' bytes the Linux terminal takes in one go: ' + shorten(line));
    }
    const sentAt = this.logs.length;
    let value;
    let seen = false;
    const done = this.waitUntil(() => {
      if (this.lastMarkerLine !== undefined && !seen) {
        const parsed = protocol.parseMarker(this.lastMarkerLine, id);
        if (parsed !== undefined) {
          seen = true;
          value = parsed;
          if (this.holdMs) this.heldUntil = Date.now() + HELD_WRITE_WINDOW_MS;
        }
      }
      if (seen) return true;
      for (let i = sentAt; i < this.logs.length; i++) {
        const text = this.logs[i].text;
        if (/^Uncaught SyntaxError/.test(text)) throw new Error('the board could not parse the command: ' + text);
        if (ABORTED.test(text)) throw new Error('the board aborted the command: ' + this.logsSince(sentAt).join(' | '));
      }
      return undefined;
    }, timeoutMs || this.timeoutMs, 'the answer to command ' + id);
    done.catch(() => {});
    if (this.holdMs && Date.now() >= this.heldUntil) await this.startHold();
    await this.write(line);
    await done;
    return value;
  }

  /** A marker command as it goes on the wire: framed, and with the hold after it when there is one. */
  markedLine(command) {
    return protocol.frameLine(this.holdMs ? command + ';' + protocol.holdCall() : command);
  }

  /**
   * Gets the board into a hold before a line that no previous statement's hold covers: the primer
   * (a few bytes) starts one, and the line is written once the board says it is holding. The
   * primer is defined first when the board does not have it (after a reset), typed a few bytes at a
   * time so the reader never has more than two characters in hand.
   *
   * Why: the Linux build's reader thread adds characters to the last queued input event while the
   * main loop takes events off the queue, with no lock between them (jshPushIOCharEvents and
   * jshPopIOEvent, src/jsdevices.c). When the two meet, the queue's lengths go wrong and the
   * interpreter ends with `ASSERT(len <= 64) FAILED AT src/jsdevices.c`. The main loop takes
   * nothing off the queue while a statement runs, so a line that arrives during a hold is safe.
   */
  async startHold() {
    const acks = this.holdAcks;
    const started = this.waitUntil(() => (this.holdAcks > acks ? true : undefined), this.timeoutMs, 'the board to start a hold (' + protocol.HOLD_ACK + ')');
    started.catch(() => {});
    await this.writeUnheld(protocol.frameLine(this.primerReady ? protocol.primerCall() : protocol.primerDefinition(this.holdMs)));
    await started;
    this.primerReady = true;
  }

  /** process.memory() after a garbage collection, in vars. */
  async memory() {
    return protocol.parseMemory(await this.evaluate('process.memory()'));
  }

  /**
   * Writes a file to Storage, a chunk per line, checking each write.
   * @param {string} name
   * @param {string|Buffer} data binary string or bytes
   * @param {(written: number, total: number) => void} [onProgress]
   */
  async upload(name, data, onProgress) {
    const bytes = Buffer.isBuffer(data) ? data.toString('latin1') : data;
    let maxQuoted;
    if (this.holdMs) {
      // The longest write line, its data left out: what the literal may take of a held line.
      const frame = this.markedLine(protocol.markerCommand('m' + (this.markerCount + 1) + '0',
        'require("Storage").write(' + protocol.quoteBytes(name) + ',"",' + bytes.length + ',' + bytes.length + ')'));
      maxQuoted = HELD_LINE_MAX_BYTES - frame.length + 2;
    }
    const chunks = protocol.storageWriteChunks(name, bytes, this.uploadChunkBytes, maxQuoted);
    // chunks[0] erases the old file; each other chunk writes up to its `end`.
    await this.evaluate(chunks[0].code);
    let offset = 0;
    for (let i = 1; i < chunks.length; i++) {
      if (await this.evaluate(chunks[i].code) !== true) {
        throw new Error('Storage.write of ' + name + ' failed at byte ' + offset + ' (Storage full? require("Storage").compact() may help)');
      }
      offset = chunks[i].end;
      if (onProgress) onProgress(offset, bytes.length);
    }
    const size = await this.evaluate('(require("Storage").read(' + protocol.quoteBytes(name) + ')||"").length');
    if (size !== bytes.length) throw new Error('Storage file ' + name + ' has ' + size + ' bytes after upload, expected ' + bytes.length);
  }

  /** Log lines printed since `index` (a previous `logs.length`). */
  logsSince(index) {
    return this.logs.slice(index).map((entry) => entry.text);
  }

  async close() {
    this.stream.removeListener('data', this.onData);
    for (const waiter of this.waiters) waiter.check();
    if (this.closed && !this.stream.isOpen) return;
    await new Promise((resolve) => {
      if (typeof this.stream.close === 'function') {
        this.stream.close(() => resolve());
      } else {
        this.stream.once('close', resolve);
        this.stream.destroy();
      }
    });
    this.closed = true;
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function shorten(text) {
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

function lastWords(boardConsole) {
  const recent = boardConsole.logs.slice(-5).map((entry) => entry.text);
  const tail = protocol.stripTerminal(boardConsole.tail);
  if (tail) recent.push(tail);
  return recent.length ? ' (last console output: ' + JSON.stringify(recent) + ')' : ' (nothing on the console)';
}

module.exports = { BoardConsole, BANNER_LINE, HELD_LINE_MAX_BYTES, HELD_WRITE_WINDOW_MS, TYPED_PIECE_BYTES };
