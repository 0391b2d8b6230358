// require('MicroWebSrv2'): what the original's `from MicroWebSrv2 import *` gives.

export { MicroWebSrv2 } from './MicroWebSrv2';
export {
  WebRoute, RegisterRoute, ResolveRoute, PathFromRoute, ClearRoutes,
  GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH,
} from './routing/WebRoute';
export { XAsyncSocketsPool } from './transport/XAsyncSocketsPool';
export { HttpRequest } from './http/HttpRequest';
export { HttpResponse } from './http/HttpResponse';
