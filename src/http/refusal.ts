// What the core answers without the HTTP part (src/http/part.ts): a client refused before it has a
// request (a connection over capacity, no memory to load the part, a request still short of memory
// after waiting) gets a whole 503 built from strings, since memory is what is missing. The page is
// the one Return(503) sends (statusPage in status.ts, which is the part's: a test keeps them equal).

export var SERVER_HEADER = 'MicroWebSrv2 for Espruino';

/** A whole `503` response that closes the connection. */
export function serviceUnavailableResponse(): string {
  var page = '<html><head><title>MicroWebSrv2</title></head><body><h2>MicroWebSrv2 - [503] Service Unavailable</h2>' +
    'The service is temporarily unavailable.</body></html>\n';
  return 'HTTP/1.1 503 Service Unavailable\r\nServer: ' + SERVER_HEADER +
    '\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: ' +
    page.length + '\r\n\r\n' + page;
}
