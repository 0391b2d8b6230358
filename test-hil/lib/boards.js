// What the rig needs to know about a board (HIL_BOARD=<id>): read from its description in boards/
// through the upload tooling's loader (scripts/lib/boards.js, which validates it), so the rig and the
// upload never disagree on a board. Without a board name, or for a name with no description, the
// rig goes on with defaults and says so.
'use strict';

const { boardIds, loadBoard: loadDescription } = require('../../scripts/lib/boards');

const DEFAULTS = {
  baudRate: 115200,
  httpPort: 80,
  /** Vars a group of tests may leave behind on top of the baseline. */
  memoryTolerance: 40,
};

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
  const known = boardIds();
  if (known.indexOf(name) < 0) {
    result.notes.push('no description for board "' + name + '" in boards/ (there: ' + known.join(', ') +
      '): using defaults (baud ' + DEFAULTS.baudRate + ', HTTP port ' + DEFAULTS.httpPort + ')');
    return result;
  }
  // An invalid description throws with every problem listed: a bench run on wrong settings is worse.
  const board = loadDescription(name);
  result.file = 'boards/' + name + '.json';
  result.variables = board.variables;
  if (board.console && board.console.baud) result.baudRate = board.console.baud;
  else result.notes.push('board file gives no baud rate: ' + DEFAULTS.baudRate);
  if (board.httpPort) result.httpPort = board.httpPort;
  if (board.hil && board.hil.memoryTolerance) result.memoryTolerance = board.hil.memoryTolerance;
  return result;
}

module.exports = { loadBoard, DEFAULTS };
