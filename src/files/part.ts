// How the core reaches the MicroWebSrv2.files part (src/files/index.ts), loaded on demand.

import { isPartLoaded, loadPart } from '../platform/parts';
import { freeVariables } from '../platform/memory';

export var FILES_PART = 'MicroWebSrv2.files';

/** Variables the part takes while loaded, with margin (measured: docs/MEMORY.md). */
var FILES_PART_VARIABLES = 500;

/**
 * The part's exports, or null when loading it would cut into the server's MemoryReserveVars (the
 * caller answers 503: running out of memory while loading code aborts the program).
 */
export function filesPart(server: any): any {
  if (!isPartLoaded(FILES_PART)) {
    var needed = (server.MemoryReserveVars || 0) + FILES_PART_VARIABLES;
    if (freeVariables(needed) < needed) return null;
  }
  return loadPart(FILES_PART);
}
