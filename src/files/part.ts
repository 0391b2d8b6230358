// How the core reaches the MicroWebSrv2.files part (src/files/index.ts), loaded on demand.

import { loadPart } from '../platform/parts';
import { FILES_PART } from '../manifest';

/** The part's exports, or null when free memory above the server's MemoryReserveVars cannot hold it. */
export function filesPart(server: any): any {
  return loadPart(FILES_PART.name, FILES_PART.variables, server.MemoryReserveVars || 0);
}
