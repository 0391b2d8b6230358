// require('MicroWebSrv2'): what the original's `from MicroWebSrv2 import *` gives, and the few
// names this project's tests and tools read. Every name here is public: its property name is never
// shortened in the bundles. What the other bundles take from the core (helpers they would otherwise
// carry copies of) the build adds to the core's exports by itself, from their imports of src/core/
// (scripts/build.js); those names are internal and shortened.

export { MicroWebSrv2 } from './MicroWebSrv2';
export {
  WebRoute, RegisterRoute, ResolveRoute, PathFromRoute, ClearRoutes,
  GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH,
} from './routing/WebRoute';
export { XAsyncSocketsPool } from './transport/XAsyncSocketsPool';
// HttpRequest and HttpResponse are types here: their code is the HTTP part's (src/parts/http/),
// loaded while requests are served, and an application meets them as the objects it is given.
export type { HttpRequest } from '../parts/http/HttpRequest';
export type { HttpResponse } from '../parts/http/HttpResponse';
// Parts loaded on demand: their idle time, whether one is loaded, holding and releasing one (tests,
// memory tools).
export { partSettings, isPartLoaded, holdPart, forgetKept } from './platform/partLoader';
