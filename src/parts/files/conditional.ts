// Conditional requests on files (RFC 9110 §13): If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since in the order of §13.2.2, and If-Range for Range. Validators are the file's
// entity tag (null when the backend has none) and its modification time (0 when unknown).

import { parseHttpDate } from './httpDate';
import type { HttpRequest } from '../http/HttpRequest';

/** Whole seconds: HTTP dates carry no milliseconds. */
function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * Whether a list of entity tags (`"a", W/"b"`) names `etag`. Weak comparison ignores `W/`; strong
 * comparison needs both tags strong. A malformed list matches nothing.
 */
export function tagListMatches(header: string, etag: string | null, strong: boolean): boolean {
  if (etag === null) return false;
  var ownWeak = etag.charAt(0) === 'W';
  if (strong && ownWeak) return false;
  var own = ownWeak ? etag.substring(2) : etag;
  var i = 0;
  while (i < header.length) {
    var c = header.charAt(i);
    if (c === ' ' || c === '\t' || c === ',') {
      i++;
      continue;
    }
    var weak = false;
    if (c === 'W' && header.charAt(i + 1) === '/') {
      weak = true;
      i += 2;
    }
    if (header.charAt(i) !== '"') return false;
    var close = header.indexOf('"', i + 1);
    if (close < 0) return false;
    if (header.substring(i, close + 1) === own && !(strong && weak)) return true;
    i = close + 1;
  }
  return false;
}

/** The time of a date header, or NaN when absent or not an IMF-fixdate. */
function headerDate(request: HttpRequest, name: string): number {
  var value = request.GetHeader(name);
  return value ? parseHttpDate(value.trim()) : NaN;
}

/**
 * The status the preconditions call for: 304 (not modified: GET and HEAD), 412 (precondition
 * failed), or 0 to go on with the request.
 */
export function preconditionStatus(request: HttpRequest, etag: string | null, mtime: number): number {
  var safe = request.Method === 'GET' || request.Method === 'HEAD';
  var ifMatch = request.GetHeader('if-match').trim();
  if (ifMatch) {
    if (ifMatch !== '*' && !tagListMatches(ifMatch, etag, true)) return 412;
  } else {
    var unmodifiedSince = headerDate(request, 'if-unmodified-since');
    if (!isNaN(unmodifiedSince) && mtime > 0 && seconds(mtime) > unmodifiedSince) return 412;
  }
  var ifNoneMatch = request.GetHeader('if-none-match').trim();
  if (ifNoneMatch) {
    if (ifNoneMatch === '*' || tagListMatches(ifNoneMatch, etag, false)) return safe ? 304 : 412;
    return 0;
  }
  // If-Modified-Since only counts without If-None-Match (§13.1.3), and only for GET and HEAD.
  if (!safe) return 0;
  var modifiedSince = headerDate(request, 'if-modified-since');
  if (!isNaN(modifiedSince) && mtime > 0 && seconds(mtime) <= modifiedSince) return 304;
  return 0;
}

/**
 * Whether a Range may be honoured under If-Range (§13.1.5): absent, a strong entity tag equal to
 * the file's, or the exact date of its modification time. Otherwise the whole file is sent.
 */
export function ifRangeAllows(request: HttpRequest, etag: string | null, mtime: number): boolean {
  var value = request.GetHeader('if-range').trim();
  if (!value) return true;
  if (value.charAt(0) === '"' || value.substring(0, 2) === 'W/') {
    return etag !== null && etag.charAt(0) === '"' && value === etag;
  }
  var date = parseHttpDate(value);
  return !isNaN(date) && mtime > 0 && seconds(mtime) === date;
}
