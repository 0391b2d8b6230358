// The MicroWebSrv2.files part: everything that serves files (static files, ReturnFile, the fs and
// Storage backends, validators, ranges, pre-compressed twins, the MIME table). A bundle of its own
// that the core loads when a request needs it and releases when idle (src/core/parts.ts), so an
// idle board does not hold its functions. Not a module: the core loads it, applications do not.
// Its exports are FilesPart: what filesPart() gives.

import { PhysicalFiles, isEscapingPath } from './FileBackend';
import { findVariants, sendFileVariants } from './FileResponse';
import { resolveFile, serveStaticFile } from './StaticFiles';
import { mimeTypeFromFilename } from './mime';
import { contentDisposition } from './disposition';
import type { HttpResponse } from '../http/HttpResponse';

/** What `mws2.files` gives while the part is loaded: reads `fs` paths and `storage:` names. */
export var files = new PhysicalFiles();

export { resolveFile, serveStaticFile, mimeTypeFromFilename };

/**
 * HttpResponse.ReturnFile: sends the file at a physical path, as an attachment named
 * `attachmentName` when given (Content-Disposition, RFC 6266). False, sending nothing, when there is no such file, or the path has
 * a `..` segment (it most likely came from a URL and would leave the folder the caller meant).
 */
export function sendFile(response: HttpResponse, filename: string, attachmentName: string | null): boolean {
  var variants = isEscapingPath(filename) ? null : findVariants(files, filename);
  if (variants === null) return false;
  if (attachmentName !== null) response.SetHeader('Content-Disposition', contentDisposition(attachmentName));
  sendFileVariants(response, files, variants, mimeTypeFromFilename(filename) || 'application/octet-stream');
  return true;
}

/** This part's exports, as filesPart() gives them. */
export type FilesPart = typeof import('./index');
