// Free variables, the resource that runs out first on a board. Running out prints OUT OF MEMORY and
// aborts whatever runs, uncatchably, so the server checks before it takes on work (a connection, a
// request body) and refuses with 503 instead.

/**
 * Free variables now. Reads without the garbage collection process.memory() runs by default (it
 * costs time on every call); only when that figure looks low does it collect and read again.
 */
export function freeVariables(threshold: number): number {
  if (typeof process === 'undefined' || typeof process.memory !== 'function') return Infinity;
  var free = process.memory(false).free;
  if (free >= threshold) return free;
  return process.memory().free;
}

/** Variables a binary string of `bytes` occupies, with margin (a variable holds about 10-12 bytes of string). */
export function variablesForBytes(bytes: number): number {
  return Math.ceil(bytes / 10) + 2;
}
