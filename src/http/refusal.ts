// What the core answers without the HTTP part (src/http/part.ts): a client refused before it has a
// request (a connection over capacity, no memory to load the part, a request still short of memory
// after waiting) gets a whole 503 built from strings, since memory is what is missing.

import { reasonPhrase, statusPage } from './status';

export var SERVER_HEADER = 'MicroWebSrv2 for Espruino';

/** A whole `503` response that closes the connection. */
export function serviceUnavailableResponse(): string {
  var page = statusPage(503);
  return 'HTTP/1.1 503 ' + reasonPhrase(503) + '\r\nServer: ' + SERVER_HEADER +
    '\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: ' +
    page.length + '\r\n\r\n' + page;
}
