// What the rig needs to know about a board, from its description in boards/ (HIL_BOARD=<name>).
// The descriptions belong to the upload tooling; the rig reads the few fields it uses and falls
// back to defaults (saying so) when a file or a field is missing.
'use strict';

const fs = require('fs');
const path = require('path');

const BOARDS_DIR = path.join(__dirname, '..', '..', 'boards');

const DEFAULTS = {
  baudRate: 115200,
  httpPort: 80,
  /** Vars a group of tests may leave behind on top of the baseline. */
  memoryTolerance: 40,
};

/** The first number among `names` on `object` (nested paths with dots), or undefined. */
function pick(object, names) {
  for (const name of names) {
    let value = object;
    for (const part of name.split('.')) value = value && typeof value === 'object' ? value[part] : undefined;
    if (typeof value === 'number' && isFinite(value)) return value;
  }
  return undefined;
}

/** Candidate files for a board name: boards/<name>.json, boards/<name>.js, boards/<name>/board.json. */
function candidates(name) {
  return [name + '.json', name + '.js', path.join(name, 'board.json'), path.join(name, 'index.js')]
    .map((file) => path.join(BOARDS_DIR, file));
}

/**
 * @param {string|undefined} name HIL_BOARD
 * @returns {{name: string, file: string|null, baudRate: number, httpPort: number, memoryTolerance: number,
 *   variables: number|null, notes: string[]}}
 */
function loadBoard(name) {
  const result = Object.assign({ name: name || '(none)', file: null, variables: null, notes: [] }, DEFAULTS);
  if (!name) {
    result.notes.push('no HIL_BOARD: default console and memory settings');
    return result;
  }
  if (!/^[\w.-]+$/.test(name)) throw new Error('HIL_BOARD must be a plain name from boards/: ' + name);
  const file = candidates(name).find((candidate) => fs.existsSync(candidate));
  if (!file) {
    const known = fs.existsSync(BOARDS_DIR) ? fs.readdirSync(BOARDS_DIR).join(', ') : '';
    result.notes.push('no description for board "' + name + '" in boards/' + (known ? ' (there: ' + known + ')' : '') +
      ': using defaults (baud ' + DEFAULTS.baudRate + ', HTTP port ' + DEFAULTS.httpPort + ')');
    return result;
  }
  let description;
  try {
    description = file.endsWith('.json') ? JSON.parse(fs.readFileSync(file, 'utf8')) : require(file);
  } catch (error) {
    result.notes.push('could not read ' + path.relative(process.cwd(), file) + ' (' + error.message + '): using defaults');
    return result;
  }
  result.file = file;
  const baud = pick(description, ['baudRate', 'baud', 'console.baudRate', 'console.baud', 'serial.baudRate', 'serial.baud']);
  const port = pick(description, ['hil.httpPort', 'httpPort', 'http.port']);
  const tolerance = pick(description, ['hil.memoryTolerance', 'memoryTolerance']);
  result.variables = pick(description, ['variables', 'vars', 'memory.variables']) || null;
  if (baud) result.baudRate = baud;
  else result.notes.push('board file gives no baud rate: ' + DEFAULTS.baudRate);
  if (port) result.httpPort = port;
  if (tolerance) result.memoryTolerance = tolerance;
  return result;
}

module.exports = { loadBoard, BOARDS_DIR, DEFAULTS };
