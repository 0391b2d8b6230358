// require('MicroWebSrv2'): what the original's `from MicroWebSrv2 import *` gives.

export { MicroWebSrv2 } from './MicroWebSrv2';
export {
  WebRoute, RegisterRoute, ResolveRoute, PathFromRoute, ClearRoutes,
  GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH,
} from './routing/WebRoute';
export { XAsyncSocketsPool } from './transport/XAsyncSocketsPool';
// HttpRequest and HttpResponse are types here: their code is the HTTP part's (src/http/part.ts),
// loaded while requests are served, and an application meets them as the objects it is given.
export type { HttpRequest } from './http/HttpRequest';
export type { HttpResponse } from './http/HttpResponse';

// Helpers the module bundles (MicroWebSrv2.WebSockets, MicroWebSrv2.PyhtmlTemplate) take from the
// core instead of carrying copies: on a board each function costs about 6 variables in every
// loaded bundle that holds it. Internal: not part of the original's API.
export { utf8Encode, utf8Decode } from './text/utf8';
export { toBinaryString, isBinaryData } from './text/binary';
export { htmlEscape } from './text/html';
export { findString } from './text/strings';
export { freeVariables, variablesForBytes } from './platform/memory';
// ...and those the HTTP part (MicroWebSrv2.http) takes from it, with the object through which the
// other bundles reach that part's names while it is loaded.
export { http, httpPart } from './http/part';
export { serviceUnavailableResponse, SERVER_HEADER } from './http/refusal';
export { parseQuery, percentDecode, hexValue } from './http/url';
export { AllowedMethodsForPath, matchRequestRoute } from './routing/WebRoute';
export { filesPart } from './files/part';
// ...and those the files part (MicroWebSrv2.files) takes from it.
export { STORAGE_SCHEME, STORAGE_MAX_NAME_BYTES, isStoragePath, storageFacts, addedMimeTypes, addedDefaultPages } from './files/registry';
// Parts loaded on demand: their idle time, and whether one is loaded (tests, memory tools).
export { partSettings, isPartLoaded, loadPart, keepWhileUsed, takeKept, forgetKept, holdPart } from './platform/parts';
