// require('MicroWebSrv2'): what the original's `from MicroWebSrv2 import *` gives.

export { MicroWebSrv2 } from './MicroWebSrv2';
export {
  WebRoute, RegisterRoute, ResolveRoute, PathFromRoute, ClearRoutes,
  GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH,
} from './routing/WebRoute';
export { XAsyncSocketsPool } from './transport/XAsyncSocketsPool';
export { HttpRequest } from './http/HttpRequest';
export { HttpResponse } from './http/HttpResponse';

// Helpers the module bundles (MicroWebSrv2.WebSockets, MicroWebSrv2.PyhtmlTemplate) take from the
// core instead of carrying copies: on a board each function costs about 6 variables in every
// loaded bundle that holds it. Internal: not part of the original's API.
export { utf8Encode, utf8Decode } from './text/utf8';
export { toBinaryString } from './text/binary';
export { htmlEscape } from './text/html';
export { findString } from './text/strings';
export { freeVariables, variablesForBytes } from './platform/memory';
// (a WebSocket rebuilds its upgrade request from these rather than hold it open)
export { RequestHead } from './http/RequestParser';
export { decodeRequestPath } from './http/HttpRequest';
// ...and those the files part (MicroWebSrv2.files) takes from it.
export { STORAGE_SCHEME, STORAGE_MAX_NAME_BYTES, isStoragePath, storageFacts, addedMimeTypes, addedDefaultPages } from './files/registry';
export { StringSource } from './http/sources';
// Parts loaded on demand: their idle time, and whether one is loaded (tests, memory tools).
export { partSettings, isPartLoaded, loadPart, keepWhileUsed, takeKept, forgetKept, holdPart } from './platform/parts';
