// What the core answers without the HTTP part (src/core/parts.ts): a client refused before it has a
// request (a connection over capacity, no memory to load the part, a request still short of memory
// after waiting) gets a whole 503 built from strings, since memory is what is missing; a part that
// cannot be loaded at all (not in Storage) a whole 500. The pages are the ones Return(503) and
// Return(500) send (statusPage in status.ts, which is the part's: a test keeps them equal).

export var SERVER_HEADER = 'MicroWebSrv2 for Espruino';

/** A whole response that closes the connection. */
function bareResponse(code: number, reason: string, message: string, extraHeaders: string): string {
  var page = '<html><head><title>MicroWebSrv2</title></head><body><h2>MicroWebSrv2 - [' + code + '] ' + reason +
    '</h2>' + message + '</body></html>\n';
  return 'HTTP/1.1 ' + code + ' ' + reason + '\r\nServer: ' + SERVER_HEADER + '\r\nConnection: close\r\n' + extraHeaders +
    'Content-Type: text/html; charset=UTF-8\r\nContent-Length: ' + page.length + '\r\n\r\n' + page;
}

/** `503` with `Retry-After: 1`. */
export function serviceUnavailableResponse(): string {
  return bareResponse(503, 'Service Unavailable', 'The service is temporarily unavailable.', 'Retry-After: 1\r\n');
}

/** `500`: the server cannot serve requests at all (its HTTP part is missing from Storage). */
export function internalErrorResponse(): string {
  return bareResponse(500, 'Internal Server Error', 'The server encountered an internal error.', '');
}
