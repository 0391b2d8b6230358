// Espruino's console protocol, as plain functions with no port behind them: what the rig sends
// (framed lines, Storage uploads, marker commands) and how it reads what comes back (prompts, log
// lines, markers). The board console (board-console.js) and the unit tests both use these.
'use strict';

/** Byte 0x10 (DLE) at the start of a line: Espruino neither echoes the line nor prints its `=result`. */
const DLE = '\x10';
const CTRL_C = '\x03';
/** The Linux interpreter exits on a second Ctrl-C on an empty line within 5 s (src/jsinteractive.c). */
const CTRL_C_EXIT_WINDOW_MS = 5000;
/** Raw bytes per Storage.write line: a few hundred keep each line well inside a board's input buffer. */
const DEFAULT_UPLOAD_CHUNK_BYTES = 256;
/** What a marker line starts with: `HIL:<id> <json>`. */
const MARKER_PREFIX = 'HIL:';
const ERASE_LINE = '\r\x1b[J';

/**
 * One statement as a line Espruino runs silently: DLE, the code, LF. The code must be one line:
 * with echo off Espruino prints no prompt after a statement spread over several lines, so the rig
 * could not tell when it ended.
 * @param {string} code
 * @returns {string}
 */
function frameLine(code) {
  if (/[\r\n]/.test(code)) throw new Error('frameLine: code must be a single line (got a line break)');
  return DLE + code + '\n';
}

/**
 * A string literal Espruino reads back byte for byte. Every byte outside printable ASCII is written
 * `\xHH`: a `\u00XX` escape (as JSON.stringify writes) would make Espruino 2v29 store the whole
 * string as UTF-8, and raw bytes over 0x7F may be mangled by a terminal on the way.
 * @param {string} bytes a binary string (one char per byte, 0-255)
 * @returns {string}
 */
function quoteBytes(bytes) {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    if (code > 0xff) throw new Error('quoteBytes: char ' + code + ' at ' + i + ' is not a byte (use a binary string)');
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code >= 0x20 && code < 0x7f) out += bytes[i];
    else out += '\\x' + (code < 16 ? '0' : '') + code.toString(16);
  }
  return out + '"';
}

/** Characters `quoteBytes` writes for one byte. */
function quotedLength(code) {
  if (code === 0x22 || code === 0x5c || code === 0x0a || code === 0x0d || code === 0x09) return 2;
  return code >= 0x20 && code < 0x7f ? 1 : 4;
}

/**
 * The statements that write `data` into Storage file `name`, a chunk per line: the first erases any
 * old file and creates this one at its full size, the others write at their offsets (Espruino only
 * writes into erased bytes, so chunks must not overlap and the size must be given up front).
 * @param {string} name Storage file name (at most 28 bytes)
 * @param {string} data binary string
 * @param {number} [chunkBytes] raw bytes per line
 * @param {number} [maxQuotedChars] also end a chunk before its string literal grows past this
 *   (a console that must take each line whole bounds the line, not the raw bytes)
 * @returns {Array<{code: string, end: number}>} code lines (not framed); `end`: bytes written once
 *   the line ran (0 for the erase)
 */
function storageWriteChunks(name, data, chunkBytes, maxQuotedChars) {
  const size = chunkBytes || DEFAULT_UPLOAD_CHUNK_BYTES;
  if (Buffer.byteLength(name, 'latin1') > 28) throw new Error('Storage name longer than 28 bytes: ' + name);
  if (!(size > 0)) throw new Error('chunk size must be positive');
  if (maxQuotedChars !== undefined && !(maxQuotedChars >= 6)) throw new Error('maxQuotedChars must leave room for one escaped byte');
  const quotedName = quoteBytes(name);
  const chunks = [{ code: 'require("Storage").erase(' + quotedName + ')', end: 0 }];
  if (data.length === 0) {
    chunks.push({ code: 'require("Storage").write(' + quotedName + ',"")', end: 0 });
    return chunks;
  }
  let offset = 0;
  while (offset < data.length) {
    let end = offset;
    let quoted = 2;
    while (end < data.length && end - offset < size) {
      const more = quotedLength(data.charCodeAt(end));
      if (maxQuotedChars && end > offset && quoted + more > maxQuotedChars) break;
      quoted += more;
      end++;
    }
    const chunk = quoteBytes(data.slice(offset, end));
    chunks.push({
      code: offset === 0
        ? 'require("Storage").write(' + quotedName + ',' + chunk + ',0,' + data.length + ')'
        : 'require("Storage").write(' + quotedName + ',' + chunk + ',' + offset + ')',
      end,
    });
    offset = end;
  }
  return chunks;
}

/** The code lines of `storageWriteChunks`. */
function storageWriteLines(name, data, chunkBytes, maxQuotedChars) {
  return storageWriteChunks(name, data, chunkBytes, maxQuotedChars).map((chunk) => chunk.code);
}

/**
 * A statement that prints `HIL:<id> ` and the JSON of `expression`, evaluated on the board. Errors
 * are caught and printed as `{"error": message}` so the rig always gets its line back.
 * @param {string} id letters, digits, '-' or '_'
 * @param {string} expression one-line JavaScript expression
 */
function markerCommand(id, expression) {
  if (!/^[\w-]+$/.test(id)) throw new Error('marker id must be letters, digits, - or _: ' + id);
  return 'try{print("' + MARKER_PREFIX + id + ' "+JSON.stringify(' + expression + '))}' +
    'catch(e){print("' + MARKER_PREFIX + id + ' "+JSON.stringify({error:String(e&&e.message||e)}))}';
}

/**
 * The Linux build's terminal (see BoardConsole, holdMs): the primer defines two globals. HOLD_NAME()
 * keeps the board busy for the hold; PRIMER_NAME() prints HOLD_ACK, then holds.
 */
const HOLD_NAME = 'HILH';
const PRIMER_NAME = 'HILW';
/** What the primer prints as its hold starts. */
const HOLD_ACK = MARKER_PREFIX + 'w';

/** The statement that ends every line on a held console. */
function holdCall() {
  return HOLD_NAME + '()';
}

/** A line that defines the hold and the primer, and runs the primer once. */
function primerDefinition(ms) {
  return 'global.' + HOLD_NAME + '=function(){var t=getTime()+' + (ms / 1000) + ';while(getTime()<t);};' +
    'global.' + PRIMER_NAME + '=function(){print("' + HOLD_ACK + '");' + HOLD_NAME + '()};' + PRIMER_NAME + '()';
}

/** The shortest line that starts a hold. */
function primerCall() {
  return PRIMER_NAME + '()';
}

/** True for a line that starts with a marker (the prompt in front taken off). */
function isMarkerLine(line) {
  return withoutPrompt(line).slice(0, MARKER_PREFIX.length) === MARKER_PREFIX;
}

/**
 * The value carried by a marker line with this id, or undefined when the line is not that marker.
 * `{error}` values are returned as they are: the caller decides whether that is a failure.
 * @param {string} line one console line (terminal codes already removed)
 * @param {string} id
 */
function parseMarker(line, id) {
  const head = MARKER_PREFIX + id + ' ';
  const text = withoutPrompt(line);
  if (text.slice(0, head.length) !== head) return undefined;
  const json = text.slice(head.length).trim();
  if (json === 'undefined' || json === '') return null;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new Error('unreadable marker line for ' + id + ': ' + line);
  }
}

/**
 * Reads a process.memory() result: the counts the rig tracks, in vars.
 * @returns {{free: number, usage: number, total: number, blocksize: number|null}}
 */
function parseMemory(value) {
  if (!value || typeof value !== 'object' || typeof value.usage !== 'number' || typeof value.total !== 'number') {
    throw new Error('not a process.memory() result: ' + JSON.stringify(value));
  }
  return {
    free: typeof value.free === 'number' ? value.free : value.total - value.usage,
    usage: value.usage,
    total: value.total,
    blocksize: typeof value.blocksize === 'number' ? value.blocksize : null,
  };
}

/** Removes terminal control sequences (ESC [ ... letter) and Telnet negotiation (IAC, 3 bytes). */
function stripTerminal(text) {
  return text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\xff[\xfb-\xfe][\s\S]/g, '')
    .replace(/\x1b/g, '');
}

/**
 * What the console's last, unfinished line says: 'prompt' (`>`), 'continuation' (`:`, a statement
 * waiting for its closing bracket), or null (output, or a prompt with typed text after it).
 * @param {string} tail text after the last line break, as received
 */
function promptState(tail) {
  const text = stripTerminal(afterErase(tail)).replace(/\r/g, '');
  if (text === '>') return 'prompt';
  if (text === ':') return 'continuation';
  return null;
}

/**
 * Splits received text into complete lines (CRLF, LF, and a lone CR Espruino uses before
 * redrawing the prompt) and the unfinished tail.
 * @returns {{lines: string[], tail: string}}
 */
function splitLines(text) {
  const parts = text.split('\n');
  const tail = parts.pop();
  const lines = [];
  for (const part of parts) lines.push(stripTerminal(afterErase(part)).replace(/\r/g, ''));
  return { lines, tail };
}

/** Espruino erases the line it is on with CR + ESC[J before printing over it: keep what follows. */
function afterErase(text) {
  const at = text.lastIndexOf(ERASE_LINE);
  return at < 0 ? text : text.slice(at + ERASE_LINE.length);
}

/**
 * A console line with the prompt Espruino redraws in front of asynchronous output taken off
 * (`>hello` printed by a timer while the prompt was shown reads `hello`).
 */
function withoutPrompt(line) {
  let text = line;
  while (text.charAt(0) === '>' && text.length > 1 && text.charAt(1) !== '>') text = text.slice(1);
  return text;
}

/**
 * Enforces the rule that keeps the Linux interpreter alive: Ctrl-C is never sent twice within the
 * exit window. Espruino counts a Ctrl-C that interrupts running code as one on an empty line too
 * (the line is empty once the statement started), so the rig cannot tell which ones count and
 * spaces every Ctrl-C it sends.
 */
class CtrlCGuard {
  /**
   * @param {{windowMs?: number, now?: () => number}} [options] windowMs: default the exit window plus 1 s of margin
   */
  constructor(options) {
    const settings = options || {};
    this.windowMs = settings.windowMs || CTRL_C_EXIT_WINDOW_MS + 1000;
    this.now = settings.now || Date.now;
    this.lastSentAt = null;
  }

  /** Milliseconds to wait before a Ctrl-C is safe (0: now). */
  waitBeforeNext() {
    if (this.lastSentAt === null) return 0;
    return Math.max(0, this.lastSentAt + this.windowMs - this.now());
  }

  /** Records a Ctrl-C about to be sent; throws when it would be the second inside the window. */
  record() {
    const wait = this.waitBeforeNext();
    if (wait > 0) throw new Error('refusing a second Ctrl-C within ' + this.windowMs + ' ms (it would exit the Linux interpreter); wait ' + wait + ' ms');
    this.lastSentAt = this.now();
  }
}

module.exports = {
  DLE,
  CTRL_C,
  CTRL_C_EXIT_WINDOW_MS,
  DEFAULT_UPLOAD_CHUNK_BYTES,
  MARKER_PREFIX,
  frameLine,
  quoteBytes,
  storageWriteChunks,
  storageWriteLines,
  markerCommand,
  HOLD_NAME,
  holdCall,
  PRIMER_NAME,
  HOLD_ACK,
  primerDefinition,
  primerCall,
  isMarkerLine,
  parseMarker,
  parseMemory,
  stripTerminal,
  promptState,
  splitLines,
  withoutPrompt,
  CtrlCGuard,
};
