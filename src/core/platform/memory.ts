// Free variables, the resource that runs out first on a board. Running out prints OUT OF MEMORY and
// aborts whatever runs, uncatchably, so the server checks before it takes on work (a connection, a
// request body) and refuses with 503 instead.

/**
 * A resizable build (Linux's default `make BOARD=LINUX`, a Raspberry Pi) allocates variables in
 * blocks of 4,096 and doubles them when it runs out: its `free` is small and grows on demand, and it
 * never reports OUT OF MEMORY, so there is nothing to refuse work for. No fixed board of the 2v29
 * release has a multiple of 4,096 variables (they have 4,095, 8,190, 16,383...).
 */
var RESIZABLE_BLOCK = 4096;

/**
 * Free variables now. Reads without the garbage collection process.memory() runs by default (it
 * costs time on every call); only when that figure looks low does it collect and read again.
 */
export function freeVariables(threshold: number): number {
  if (typeof process === 'undefined' || typeof process.memory !== 'function') return Infinity;
  var memory = process.memory(false);
  if (memory.total % RESIZABLE_BLOCK === 0) return Infinity;
  if (memory.free >= threshold) return memory.free;
  return process.memory().free;
}

/** Variables a binary string of `bytes` occupies, with margin (a variable holds about 10-12 bytes of string). */
export function variablesForBytes(bytes: number): number {
  return Math.ceil(bytes / 10) + 2;
}
