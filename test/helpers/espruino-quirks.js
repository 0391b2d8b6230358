// Espruino 2v29 behaviour that Node does not have, for tests that check code copes with it.
'use strict';

/**
 * String.prototype.indexOf as Espruino 2v29 runs it (jswrap_string_indexOf): the search goes on to
 * the end of the string, and a needle whose beginning matches the end counts as found, so
 * ',a,'.indexOf(',b,') is 2 and 'ab{'.indexOf('{{') is 2; a needle longer than the whole string is
 * never found.
 */
function espruinoIndexOf(needle, fromIndex) {
  const hay = String(this);
  needle = String(needle);
  // Checked on the Linux build: 'ab'.indexOf('abc') is -1, 'abc'.indexOf('', 5) is -1.
  if (needle.length > hay.length) return -1;
  if (needle.length === 0) {
    const from = typeof fromIndex === 'number' ? Math.max(fromIndex, 0) : 0;
    return from <= hay.length ? from : -1;
  }
  let idx = typeof fromIndex === 'number' ? Math.max(Math.floor(fromIndex), 0) : 0;
  for (; idx < hay.length; idx++) {
    const rest = hay.substring(idx, idx + needle.length);
    if (rest === needle.substring(0, rest.length)) return idx;
  }
  return -1;
}

/** Runs `fn` with String.prototype.indexOf behaving as Espruino's, then restores it. */
function withEspruinoIndexOf(fn) {
  const original = String.prototype.indexOf;
  String.prototype.indexOf = espruinoIndexOf;
  try {
    return fn();
  } finally {
    String.prototype.indexOf = original;
  }
}

module.exports = { espruinoIndexOf, withEspruinoIndexOf };
