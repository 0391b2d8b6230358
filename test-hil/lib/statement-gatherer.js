// How Espruino's REPL decides that typed input is a whole statement: Enter runs the input once every
// bracket opened outside strings and comments is closed; until then the line continues (`:` prompt).
// The simulated board uses this; regular expression literals are not recognised (nor are they by
// the rig, which never sends one spread over lines).
'use strict';

/**
 * How many brackets `code` leaves open (0: complete; negative: more closed than opened, which
 * Espruino runs, and reports as a syntax error).
 * @param {string} code
 */
function openBrackets(code) {
  let depth = 0;
  let quote = null;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (ch === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return depth + 1;
      i = end + 1;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
    }
  }
  // An unterminated string literal keeps the statement open, as an open bracket would.
  return quote === '`' ? depth + 1 : depth;
}

/** True when Enter after `code` runs it. */
function isCompleteStatement(code) {
  return openBrackets(code) <= 0;
}

module.exports = { openBrackets, isCompleteStatement };
