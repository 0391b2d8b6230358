// What answers a request that no module and no route took: 501 for a method the server does not
// know, OPTIONS (Allow, CORS pre-flight), 405 for a path that is a route's under other methods, the
// static files for GET and HEAD (from the files part, loaded now if it is not), else 405.

import type { HttpRequest } from './HttpRequest';
import { AllowedMethodsForPath } from '../../core/routing/WebRoute';
import { findString } from '../../core/text/strings';
import { filesPart } from '../../core/parts';

/** Methods the server knows; any other gets 501 rather than 405 (RFC 9110 §9.1). Space-separated,
 *  spaces at both ends: one string rather than an array of them (fewer variables on a board). */
var KNOWN_METHODS = ' GET HEAD POST PUT DELETE OPTIONS PATCH TRACE CONNECT ';

export function answerWithoutRoute(request: HttpRequest): void {
  var server = request.server;
  var response = request.Response;
  var method = request.Method;
  if (findString(KNOWN_METHODS, ' ' + method + ' ') < 0) {
    response.ReturnNotImplemented();
  } else if (method === 'OPTIONS') {
    answerOptions(request);
  } else if (AllowedMethodsForPath(request.head.path).length) {
    // The path is a route's, under other methods: the route defines the resource.
    response.ReturnMethodNotAllowed();
  } else if (method === 'GET' || method === 'HEAD') {
    var files = filesPart(server);
    if (files === null) response.ReturnServiceUnavailable();
    else files.serveStaticFile(server, request);
  } else {
    response.ReturnMethodNotAllowed();
  }
}

/** The `Allow` of a path: its routes' methods and OPTIONS; GET, HEAD and OPTIONS (the static files) without routes. */
export function allowedMethods(path: string): string[] {
  var methods = AllowedMethodsForPath(path);
  if (methods.length) {
    if (methods.indexOf('OPTIONS') < 0) methods.push('OPTIONS');
    return methods;
  }
  return ['GET', 'HEAD', 'OPTIONS'];
}

/** OPTIONS outside routes: 204 with Allow, plus permissive CORS pre-flight headers with CORSAllowAll. */
function answerOptions(request: HttpRequest): void {
  var server = request.server;
  var response = request.Response;
  response.SetHeader('Allow', allowedMethods(request.head.path).join(', '));
  if (server.CORSAllowAll) {
    // Browsers ignore `*` when credentials are allowed, so echo what the pre-flight asks for.
    var origin = request.Origin;
    if (origin && !server.AllowAllOrigins) response.SetHeader('Access-Control-Allow-Origin', origin);
    response.SetHeader('Access-Control-Allow-Methods', request.GetHeader('access-control-request-method') || '*');
    response.SetHeader('Access-Control-Allow-Headers', request.GetHeader('access-control-request-headers') || '*');
    response.SetHeader('Access-Control-Allow-Credentials', 'true');
    response.SetHeader('Access-Control-Max-Age', '86400');
    if (origin && !server.AllowAllOrigins) response.SetHeader('Vary', 'Origin');
  }
  response.Return(204);
}
