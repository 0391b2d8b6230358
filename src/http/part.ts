// How the core reaches the MicroWebSrv2.http part (src/http/index.ts): the request parser, the
// HTTP session, HttpRequest and HttpResponse. An idle server needs none of it (a connection
// without a request holds no session), so it stays in flash until a request's first byte arrives
// and is released once no request has used it for partSettings.idleMs: most of what the server
// costs a board while it waits.

import { loadPart } from '../platform/parts';
import { HTTP_PART } from '../manifest';

/**
 * The part's exports while it is loaded, empty otherwise: the other bundles (the files part, the
 * modules' parts) take the part's names from here, and run only while a request holds it.
 */
export var http: any = {};

/** The part's exports (loading it), or null when free memory above the server's
 *  MemoryReserveVars cannot hold it. */
export function httpPart(server: any): any {
  return loadPart(HTTP_PART.name, HTTP_PART.variables, server.MemoryReserveVars || 0, http);
}
