// Status codes: reason phrases (RFC 9110 §15) and the one place that decides when a response has no
// content, so HEAD, 1xx, 204 and 304 are handled alike everywhere.
//
// The tables are switch statements rather than objects: code stays in flash on a board, while an
// object of fifty entries would hold about 150 variables for as long as the server runs.

export function reasonPhrase(code: number): string {
  switch (code) {
    case 100: return 'Continue';
    case 101: return 'Switching Protocols';
    case 200: return 'OK';
    case 201: return 'Created';
    case 202: return 'Accepted';
    case 203: return 'Non-Authoritative Information';
    case 204: return 'No Content';
    case 205: return 'Reset Content';
    case 206: return 'Partial Content';
    case 300: return 'Multiple Choices';
    case 301: return 'Moved Permanently';
    case 302: return 'Found';
    case 303: return 'See Other';
    case 304: return 'Not Modified';
    case 307: return 'Temporary Redirect';
    case 308: return 'Permanent Redirect';
    case 400: return 'Bad Request';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'Not Found';
    case 405: return 'Method Not Allowed';
    case 406: return 'Not Acceptable';
    case 408: return 'Request Timeout';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 411: return 'Length Required';
    case 412: return 'Precondition Failed';
    case 413: return 'Content Too Large';
    case 414: return 'URI Too Long';
    case 415: return 'Unsupported Media Type';
    case 416: return 'Range Not Satisfiable';
    case 417: return 'Expectation Failed';
    case 422: return 'Unprocessable Content';
    case 426: return 'Upgrade Required';
    case 428: return 'Precondition Required';
    case 429: return 'Too Many Requests';
    case 431: return 'Request Header Fields Too Large';
    case 500: return 'Internal Server Error';
    case 501: return 'Not Implemented';
    case 502: return 'Bad Gateway';
    case 503: return 'Service Unavailable';
    case 504: return 'Gateway Timeout';
    case 505: return 'HTTP Version Not Supported';
    default: return 'Unknown Reason';
  }
}

/** One-line explanations used on the built-in status pages (as the original's pages have). */
function statusMessage(code: number): string {
  switch (code) {
    case 400: return 'Bad request.';
    case 401: return 'Authentication is required.';
    case 403: return 'Access to this resource is forbidden.';
    case 404: return 'The requested resource was not found.';
    case 405: return 'This method is not allowed for the requested resource.';
    case 406: return 'No representation of the resource is acceptable to the client.';
    case 408: return 'The request did not arrive in time.';
    case 413: return 'The request content is too large.';
    case 414: return 'The request target is too long.';
    case 412: return 'A precondition of the request failed.';
    case 416: return 'The requested range cannot be satisfied.';
    case 431: return 'The request header fields are too large.';
    case 500: return 'The server encountered an internal error.';
    case 501: return 'This request is not implemented by the server.';
    case 503: return 'The service is temporarily unavailable.';
    case 505: return 'This HTTP version is not supported.';
    default: return '';
  }
}

/** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content. */
export function statusHasNoContent(code: number): boolean {
  return code < 200 || code === 204 || code === 304;
}

/** The HTML page the original sends with a bare status (`Return(404)`), minus its indentation. */
export function statusPage(code: number): string {
  return '<html><head><title>MicroWebSrv2</title></head><body><h2>MicroWebSrv2 - [' + code + '] ' +
    reasonPhrase(code) + '</h2>' + statusMessage(code) + '</body></html>\n';
}
