// Status codes: reason phrases (RFC 9110 §15) and the one place that decides when a response has
// no content, so HEAD, 1xx, 204 and 304 are handled alike everywhere.

var REASONS: { [code: string]: string } = {
  100: 'Continue', 101: 'Switching Protocols',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required',
  412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable', 417: 'Expectation Failed', 422: 'Unprocessable Content', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
};

/** One-line explanations used on the built-in status pages (as the original's pages have). */
var MESSAGES: { [code: string]: string } = {
  400: 'Bad request.',
  401: 'Authentication is required.',
  403: 'Access to this resource is forbidden.',
  404: 'The requested resource was not found.',
  405: 'This method is not allowed for the requested resource.',
  408: 'The request did not arrive in time.',
  413: 'The request content is too large.',
  414: 'The request target is too long.',
  431: 'The request header fields are too large.',
  500: 'The server encountered an internal error.',
  501: 'This request is not implemented by the server.',
  503: 'The service is temporarily unavailable.',
  505: 'This HTTP version is not supported.',
};

export function reasonPhrase(code: number): string {
  return REASONS[code] || 'Unknown Reason';
}

/** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content. */
export function statusHasNoContent(code: number): boolean {
  return code < 200 || code === 204 || code === 304;
}

/** The HTML page the original sends with a bare status (`Return(404)`), minus its indentation. */
export function statusPage(code: number): string {
  var title = '[' + code + '] ' + reasonPhrase(code);
  var message = MESSAGES[code] || '';
  return '<html><head><title>MicroWebSrv2</title></head><body><h2>MicroWebSrv2 - ' + title +
    '</h2>' + message + '</body></html>\n';
}
