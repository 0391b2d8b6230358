// The bundles a board loads, and what each costs it. Which source goes into which bundle is the
// folder it sits in (scripts/build.js: one bundle per folder with an index.ts); this file names
// each bundle (its Storage / Modules.addCached name), says who loads it (loadedBy: null for what the
// application loads, else the bundle that loads it on demand, src/core/platform/partLoader.ts), and how many
// variables it takes loaded, with margin (measured: docs/MEMORY.md, `npm run mem`).
//
// The upload and the memory tools read this file too (scripts/lib/bundles.js). The code of every
// bundle that imports it gets its own copy of the few figures it reads, as constants (terser folds
// `HTTP_PART.variables` into 1150): nothing here costs a board a variable.

export interface BundleInfo {
  /** The Espruino module name: require(name), Storage file name. */
  name: string;
  /** Its folder under src/. */
  folder: string;
  /** The bundle that loads it on demand, or null when the application loads it (require, LoadModule). */
  loadedBy: string | null;
  /** Variables it takes loaded (a part: the free memory needed above MemoryReserveVars to load it). */
  variables: number;
}

export var CORE: BundleInfo = { name: 'MicroWebSrv2', folder: 'core', loadedBy: null, variables: 1000 };
/** What serves a request: parser, session, HttpRequest, HttpResponse. */
export var HTTP_PART: BundleInfo = { name: 'MicroWebSrv2.http', folder: 'parts/http', loadedBy: 'MicroWebSrv2', variables: 1150 };
/** What serves files: static files, ReturnFile, the fs and Storage backends. */
export var FILES_PART: BundleInfo = { name: 'MicroWebSrv2.files', folder: 'parts/files', loadedBy: 'MicroWebSrv2', variables: 500 };
export var WEBSOCKETS: BundleInfo = { name: 'MicroWebSrv2.WebSockets', folder: 'modules/WebSockets/module', loadedBy: null, variables: 50 };
/** The opening handshake's checks. */
export var WS_HANDSHAKE_PART: BundleInfo = { name: 'MicroWebSrv2.ws-handshake', folder: 'modules/WebSockets/handshake', loadedBy: 'MicroWebSrv2.WebSockets', variables: 150 };
/** The WebSocket itself: every open WebSocket holds it. */
export var WS_SOCKET_PART: BundleInfo = { name: 'MicroWebSrv2.ws-socket', folder: 'modules/WebSockets/socket', loadedBy: 'MicroWebSrv2.WebSockets', variables: 450 };
export var PYHTML: BundleInfo = { name: 'MicroWebSrv2.PyhtmlTemplate', folder: 'modules/PyhtmlTemplate/module', loadedBy: null, variables: 80 };
/** What serves a page: compiled-page cache, rendering, error pages. */
export var PYHTML_RENDER_PART: BundleInfo = { name: 'MicroWebSrv2.pyhtml-render', folder: 'modules/PyhtmlTemplate/render', loadedBy: 'MicroWebSrv2.PyhtmlTemplate', variables: 250 };
/** The page compiler. */
export var PYHTML_COMPILE_PART: BundleInfo = { name: 'MicroWebSrv2.pyhtml-compile', folder: 'modules/PyhtmlTemplate/compile', loadedBy: 'MicroWebSrv2.PyhtmlTemplate', variables: 400 };

/** Every bundle, the core first (the build, the upload and the memory tools read this; the build
 *  minifies in this order, and the upload sends a module's parts in this order). */
export var BUNDLES: BundleInfo[] = [CORE, HTTP_PART, WEBSOCKETS, PYHTML, FILES_PART, PYHTML_COMPILE_PART, PYHTML_RENDER_PART,
  WS_HANDSHAKE_PART, WS_SOCKET_PART];

/** What a connection and a request take, in variables, and how a request waits for memory. */
export var REQUEST_BUDGET = {
  /** Free above MemoryReserveVars to accept a connection: an idle one costs about 26 variables on
   *  Espruino (docs/MEMORY.md), and a 503 must still fit. Its requests wait for the memory to
   *  answer them (admission). */
  connectionVariables: 60,
  /** A request from its first byte to its answer: input, parser, head and header fields, request,
   *  response, route, the call chain, the response head (measured: about 200 in a route handler and
   *  250 with its answer on Espruino 2v29). A request starts only with this much free (else it waits). */
  requestVariables: 250,
  /** What is still to come once the head is parsed (the response and what the handler builds):
   *  below this, the request gets 503. */
  answerVariables: 100,
  /** How long a request arriving while memory is short waits for memory, and how often it looks again. */
  waitMs: 1000,
  retryMs: 20,
};
