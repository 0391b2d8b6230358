// The MIME table of the original (its 22 extensions), extended at run time with AddMimeType (kept
// in the core: registry.ts). Lookup is by the last extension, case-insensitively.

import { addedMimeTypes } from '../../core/files/registry';
import { findString } from '../../core/text/strings';

/**
 * `.ext type` pairs, space-separated, with a space at both ends: one string, where an object of 22
 * entries cost a board 26 more variables while the part is loaded. Extensions never contain spaces.
 */
var MIME_TYPES = ' ' +
  '.txt text/plain .htm text/html .html text/html .css text/css .csv text/csv ' +
  '.js application/javascript .xml application/xml .xhtml application/xhtml+xml ' +
  '.json application/json .zip application/zip .pdf application/pdf .ts application/typescript ' +
  '.woff font/woff .woff2 font/woff2 .ttf font/ttf .otf font/otf .jpg image/jpeg ' +
  '.jpeg image/jpeg .png image/png .gif image/gif .svg image/svg+xml .ico image/x-icon ';

/** The MIME type for a file name's extension, or null when the extension is unknown. */
export function mimeTypeFromFilename(filename: string): string | null {
  if (typeof filename !== 'string') return null;
  var slash = filename.lastIndexOf('/');
  var dot = filename.lastIndexOf('.');
  if (dot <= slash) return null;
  var ext = filename.substring(dot).toLowerCase();
  if (addedMimeTypes.hasOwnProperty(ext)) return addedMimeTypes[ext];
  if (ext.indexOf(' ') >= 0) return null;
  var at = findString(MIME_TYPES, ' ' + ext + ' ');
  if (at < 0) return null;
  var start = at + ext.length + 2;
  return MIME_TYPES.substring(start, MIME_TYPES.indexOf(' ', start));
}
