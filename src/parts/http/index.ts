// The MicroWebSrv2.http part: what serves a request (parser, session, HttpRequest, HttpResponse),
// loaded by the core from Storage at a request's first byte (src/core/parts.ts). Its exports are
// HttpPart: what the core and the other bundles get from httpPart(), at the moment they use it.

export { HttpSession } from './HttpSession';
export { HttpRequest, decodeRequestPath } from './HttpRequest';
export { RequestHead } from './RequestParser';
export { StringSource } from './sources';
export { formatHttpDate } from './httpDate';

/** This part's exports, as httpPart() gives them. */
export type HttpPart = typeof import('./index');
