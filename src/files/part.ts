// How the core reaches the MicroWebSrv2.files part (src/files/index.ts), loaded on demand.

import { loadPart } from '../platform/parts';

export var FILES_PART = 'MicroWebSrv2.files';

/** Variables the part takes while loaded, with margin (measured: docs/MEMORY.md). */
export var FILES_PART_VARIABLES = 500;

/** The part's exports, or null when free memory above the server's MemoryReserveVars cannot hold it. */
export function filesPart(server: any): any {
  return loadPart(FILES_PART, FILES_PART_VARIABLES, server.MemoryReserveVars || 0);
}
