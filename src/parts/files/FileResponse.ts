// Answers a request with a file, for static files and ReturnFile alike: picks the representation
// (the file, or its pre-compressed `.gz` twin), then validators, preconditions (304/412), Range
// (206/416) and a body streamed from where the file lives.

import { FileBackend, FileInfo } from './FileBackend';
import { acceptsGzip } from './negotiation';
import { ifRangeAllows, preconditionStatus } from './conditional';
import { parseRange } from './ranges';
import { httpPart } from '../../core/parts';
import type { HttpResponse } from '../http/HttpResponse';

/** The file at a physical path and its `.gz` twin, either of which may be missing. */
export interface FileVariants {
  path: string;
  plain: FileInfo | null;
  gzip: FileInfo | null;
}

function fileInfo(files: FileBackend, path: string): FileInfo | null {
  var info = files.stat(path);
  return info !== null && !info.dir ? info : null;
}

/** The variants of a physical path; null when neither the file nor `path.gz` exists. */
export function findVariants(files: FileBackend, path: string): FileVariants | null {
  var plain = fileInfo(files, path);
  var gzip = fileInfo(files, path + '.gz');
  return plain === null && gzip === null ? null : { path: path, plain: plain, gzip: gzip };
}

/**
 * Sends the chosen representation of `variants` with `mimeType` (the plain file's type, also for
 * its `.gz`). A `.gz` alone, to a client that does not take gzip, gets 406.
 */
export function sendFileVariants(response: HttpResponse, files: FileBackend, variants: FileVariants, mimeType: string): void {
  var request = response.Request;
  // Loaded: the request being answered holds it.
  var http = httpPart(request.server)!;
  var useGzip = variants.gzip !== null && acceptsGzip(request.GetHeader('accept-encoding'));
  // The answer depends on Accept-Encoding whenever a .gz exists: caches must key on it.
  if (variants.gzip !== null) response.SetHeader('Vary', 'Accept-Encoding');
  if (!useGzip && variants.plain === null) {
    response.Return(406);
    return;
  }
  var path = useGzip ? variants.path + '.gz' : variants.path;
  var info = (useGzip ? variants.gzip : variants.plain) as FileInfo;
  var etag = files.etag(path, info);
  if (etag !== null) response.SetHeader('ETag', etag);
  var status = preconditionStatus(request, etag, info.mtime);
  if (status !== 0) {
    response.Return(status);
    return;
  }
  if (info.mtime > 0) response.SetHeader('Last-Modified', http.formatHttpDate(info.mtime));
  response.SetHeader('Accept-Ranges', 'bytes');
  var size = info.size;
  // Range is defined for GET only (RFC 9110 §14.2): HEAD describes the whole representation.
  var range = request.Method === 'GET' ? parseRange(request.GetHeader('range'), size) : null;
  if (range !== null && !ifRangeAllows(request, etag, info.mtime)) range = null;
  if (range !== null && !range.satisfiable) {
    response.SetHeader('Content-Range', 'bytes */' + size);
    response.Return(416);
    return;
  }
  var start = range !== null ? range.start : 0;
  var length = range !== null ? range.end - range.start + 1 : size;
  // HEAD describes the body without reading it.
  var source = request.Method === 'HEAD' ? new http.StringSource('') : files.open(path, start, length);
  if (source === null) {
    response.ReturnForbidden();
    return;
  }
  if (useGzip) response.SetHeader('Content-Encoding', 'gzip');
  if (range !== null) response.SetHeader('Content-Range', 'bytes ' + range.start + '-' + range.end + '/' + size);
  response.send(range !== null ? 206 : 200, source, length, mimeType);
}
