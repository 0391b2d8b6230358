// The MicroWebSrv2.http part (see part.ts): what serves a request, loaded by the core from Storage
// when one starts. Every name here is also what the other bundles take from the part (through
// the core's `http` object, see scripts/build.js).

export { HttpSession } from './HttpSession';
export { HttpRequest, decodeRequestPath } from './HttpRequest';
export { RequestHead } from './RequestParser';
export { StringSource } from './sources';
export { formatHttpDate, parseHttpDate } from './httpDate';
