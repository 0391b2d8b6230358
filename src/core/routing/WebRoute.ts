// Web routes: a small linear table, as the original keeps. A handful of routes is the normal size
// on a board. Each entry keeps only its method, pattern, handler and name, in an array: a route is
// about 10 variables on a board where an object with its pattern pre-split took 34, so the pattern
// is split again while matching (a few short strings, freed with the request).
//
// Differences from the original, on purpose (see docs/COMPATIBILITY.md):
// - literal segments match exactly (the original lower-cases both sides and treats `.` as a regex);
// - argument values keep their case (the original lower-cases them);
// - an argument matches one non-empty path segment, percent-decoded;
// - a GET route also answers HEAD (the response then carries no body).

import { percentDecode, percentEncode } from '../http/url';
import type { MicroWebSrv2 } from '../MicroWebSrv2';
import type { HttpRequest } from '../../parts/http/HttpRequest';

export var GET = 'GET';
export var HEAD = 'HEAD';
export var POST = 'POST';
export var PUT = 'PUT';
export var DELETE = 'DELETE';
export var OPTIONS = 'OPTIONS';
export var PATCH = 'PATCH';

export type RouteArgs = { [name: string]: string | number };
export type RouteHandler = (microWebSrv2: MicroWebSrv2, request: HttpRequest, args?: RouteArgs) => void;

/** [method, routePath, handler, name]: read through RouteField. */
export type RouteEntry = [string, string, RouteHandler, string | null];
/** The fields of a RouteEntry (a const enum: tsc writes the numbers, nothing reaches a board). */
export const enum RouteField {
  Method = 0,
  Pattern = 1,
  Handler = 2,
  Name = 3,
}

export interface RouteResult {
  Handler: RouteHandler;
  Method: string;
  RoutePath: string;
  Name: string | null;
  Args: RouteArgs;
}

var routes: RouteEntry[] = [];

function splitPath(path: string): string[] {
  var segments = path.split('/');
  segments.shift(); // before the leading '/'
  // One trailing slash is tolerated: `/api/json/` matches `/api/json`.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return segments;
}

/** The argument name of a pattern segment `<name>`, or null for a literal segment. */
function argName(segment: string): string | null {
  return segment.length > 2 && segment.charAt(0) === '<' && segment.charAt(segment.length - 1) === '>'
    ? segment.substring(1, segment.length - 1) : null;
}

function checkNonEmptyString(value: any, what: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new Error(what + ' must be a non-empty string');
}

/** Registers a route handler for every MicroWebSrv2 instance (routes are global, as in the original). */
export function RegisterRoute(handler: RouteHandler, method: string, routePath: string, name?: string | null): void {
  if (typeof handler !== 'function') throw new Error('RegisterRoute: handler must be a function');
  checkNonEmptyString(method, 'RegisterRoute: method');
  checkNonEmptyString(routePath, 'RegisterRoute: routePath');
  if (routePath.charAt(0) !== '/') throw new Error('RegisterRoute: routePath must start with "/"');
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw new Error('RegisterRoute: name must be a string or null');
  }
  method = method.toUpperCase();
  // Registering the same method and path again replaces the handler (a reloaded app must not stack routes).
  for (var r = 0; r < routes.length; r++) {
    if (routes[r][RouteField.Method] === method && routes[r][RouteField.Pattern] === routePath) routes.splice(r--, 1);
  }
  routes.push([method, routePath, handler, name ? name : null]);
}

/** Removes every route (for tests and for apps that rebuild their table). */
export function ClearRoutes(): void {
  routes = [];
}

/** Numbers written with ASCII digits only become integers (`42` -> 42, `007` -> 7, `4.2` stays text). */
function convertArg(value: string): string | number {
  if (value.length === 0 || value.length > 15) return value;
  for (var i = 0; i < value.length; i++) {
    var c = value.charCodeAt(i);
    if (c < 48 || c > 57) return value;
  }
  return parseInt(value, 10);
}

/** Matches raw (still percent-encoded) path segments against a route; returns its args or null. */
function matchRoute(route: RouteEntry, segments: string[]): RouteArgs | null {
  var pattern = splitPath(route[RouteField.Pattern]);
  if (pattern.length !== segments.length) return null;
  var args: RouteArgs = {};
  for (var i = 0; i < segments.length; i++) {
    var name = argName(pattern[i]);
    var decoded = percentDecode(segments[i], false);
    if (name === null) {
      if (decoded !== pattern[i]) return null;
    } else {
      if (segments[i].length === 0 || decoded === null) return null;
      args[name] = convertArg(decoded);
    }
  }
  return args;
}

/** A route found for a request: its entry (the table's own array) and its arguments. */
export type RouteMatch = [RouteEntry, RouteArgs];
/** The fields of a RouteMatch. */
export const enum RouteMatchField {
  Entry = 0,
  Args = 1,
}

/**
 * The route for a method and a path, as the HTTP session keeps it while the request is under way:
 * two references in a small array rather than a RouteResult of five named fields (on a board, about
 * 17 variables less for every request in flight). `path` may be raw (percent-encoded): argument values
 * are decoded segment by segment, so an encoded `/` (`%2F`) stays inside its argument.
 */
export function matchRequestRoute(method: string, path: string): RouteMatch | null {
  if (typeof method !== 'string' || typeof path !== 'string' || path.charAt(0) !== '/') return null;
  // Methods are case-sensitive (RFC 9110 §9.1): `get` is not GET.
  var segments = splitPath(path);
  var headFallback: RouteMatch | null = null;
  for (var i = 0; i < routes.length; i++) {
    var route = routes[i];
    var sameMethod = route[RouteField.Method] === method;
    if (!sameMethod && !(method === HEAD && route[RouteField.Method] === GET && headFallback === null)) continue;
    var args = matchRoute(route, segments);
    if (args === null) continue;
    if (sameMethod) return [route, args];
    headFallback = [route, args];
  }
  return headFallback;
}

/** Resolves a route from a method and a path (see matchRequestRoute); null when none matches. */
export function ResolveRoute(method: string, path: string): RouteResult | null {
  var match = matchRequestRoute(method, path);
  if (match === null) return null;
  var route = match[RouteMatchField.Entry];
  return { Handler: route[RouteField.Handler], Method: route[RouteField.Method], RoutePath: route[RouteField.Pattern], Name: route[RouteField.Name], Args: match[RouteMatchField.Args] };
}

/** Methods that have a route for this path (for `405` with `Allow`); empty when the path has no route. */
export function AllowedMethodsForPath(path: string): string[] {
  var segments = splitPath(path);
  var methods: string[] = [];
  for (var i = 0; i < routes.length; i++) {
    if (methods.indexOf(routes[i][RouteField.Method]) >= 0) continue;
    if (matchRoute(routes[i], segments) !== null) methods.push(routes[i][RouteField.Method]);
  }
  if (methods.indexOf(GET) >= 0 && methods.indexOf(HEAD) < 0) methods.push(HEAD);
  return methods;
}

/** Builds a path from a named route and its arguments, e.g. PathFromRoute('user', {id: 3}) -> '/users/3'. */
export function PathFromRoute(routeName: string, routeArgs?: RouteArgs): string {
  checkNonEmptyString(routeName, 'PathFromRoute: routeName');
  for (var i = 0; i < routes.length; i++) {
    var route = routes[i];
    if (route[RouteField.Name] !== routeName) continue;
    var path = '';
    var pattern = splitPath(route[RouteField.Pattern]);
    for (var s = 0; s < pattern.length; s++) {
      var segment = pattern[s];
      var name = argName(segment);
      if (name !== null) {
        if (!routeArgs || routeArgs[name] === undefined || routeArgs[name] === null) {
          throw new Error('PathFromRoute: missing argument "' + name + '" for route "' + routeName + '"');
        }
        segment = percentEncode(String(routeArgs[name]));
      }
      path += '/' + segment;
    }
    return path.length ? path : '/';
  }
  throw new Error('PathFromRoute: no route named "' + routeName + '"');
}

/**
 * Declares a route. Three ways, since TypeScript cannot decorate a free function:
 * - `WebRoute(GET, '/users/<id>', function (mws2, request, args) { ... })` registers at once;
 * - `WebRoute(GET, '/users/<id>', 'user', handler)` likewise, with a route name;
 * - `WebRoute(GET, '/x')` (or with a name) returns a decorator: call it on a function
 *   (`WebRoute(GET, '/x')(handler)`), or put it on a class method (`@WebRoute(GET, '/x')`).
 */
export function WebRoute(method: string, routePath: string, nameOrHandler?: any, handler?: RouteHandler): any {
  var name: string | null = null;
  if (typeof nameOrHandler === 'function') {
    handler = nameOrHandler;
  } else if (typeof nameOrHandler === 'string') {
    name = nameOrHandler;
  }
  if (typeof handler === 'function') {
    RegisterRoute(handler, method, routePath, name);
    return handler;
  }
  // A decorator for functions, legacy method decorators (target, key, descriptor) and standard ones (value, context).
  return function (target: any, key?: any, descriptor?: any) {
    var fn = descriptor && typeof descriptor.value === 'function' ? descriptor.value : target;
    RegisterRoute(fn, method, routePath, name);
    return descriptor ? descriptor : target;
  };
}
