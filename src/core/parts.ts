// The core's handles on its parts (src/parts/http/, src/parts/files/): bundles of their own, kept in
// Storage, loaded on demand and released once unused for partSettings.idleMs (platform/partLoader.ts).
// An idle server holds neither: the HTTP part (parser, session, HttpRequest, HttpResponse) loads at
// a request's first byte, the files part when a request needs a file.
//
// Any bundle reaches a part through these, at the moment it needs it, and keeps no reference to the
// result past that use: a bundle that held a part's exports from its own load (a top-level import or
// require) would keep that part loaded for good.

import { loadPart } from './platform/partLoader';
import { FILES_PART, HTTP_PART } from '../manifest';
import type { ServerContext } from './ServerContext';
import type { HttpPart } from '../parts/http';
import type { FilesPart } from '../parts/files';

/** The HTTP part's exports (loading it), or null when free memory above the server's
 *  MemoryReserveVars cannot hold it (null server: no reserve). */
export function httpPart(server: ServerContext | null): HttpPart | null {
  return loadPart(HTTP_PART.name, HTTP_PART.variables, server !== null ? server.MemoryReserveVars || 0 : 0);
}

/** The files part's exports (loading it), or null when free memory above the server's
 *  MemoryReserveVars cannot hold it (null server: no reserve). */
export function filesPart(server: ServerContext | null): FilesPart | null {
  return loadPart(FILES_PART.name, FILES_PART.variables, server !== null ? server.MemoryReserveVars || 0 : 0);
}
