// String search that is right on Espruino. Espruino 2v29's indexOf/includes report a match where
// only the START of a longer needle fits at the end of the string (`'abchar'.indexOf('charset')` is
// 3, `'abc'.includes('cd')` is true). A genuine match always fits, so a match that runs past the end
// is the bug, and no genuine match can come after it.

/** `text.indexOf(needle, from)` with Espruino's false end-of-string matches removed. */
export function findString(text: string, needle: string, from?: number): number {
  var at = text.indexOf(needle, from || 0);
  return at >= 0 && at + needle.length <= text.length ? at : -1;
}

