// The MIME table of the original (its 22 extensions), extended at run time with AddMimeType (kept
// in the core: registry.ts). Lookup is by the last extension, case-insensitively.

import { addedMimeTypes } from './registry';

var MIME_TYPES: { [ext: string]: string } = {
  '.txt': 'text/plain',
  '.htm': 'text/html',
  '.html': 'text/html',
  '.css': 'text/css',
  '.csv': 'text/csv',
  '.js': 'application/javascript',
  '.xml': 'application/xml',
  '.xhtml': 'application/xhtml+xml',
  '.json': 'application/json',
  '.zip': 'application/zip',
  '.pdf': 'application/pdf',
  '.ts': 'application/typescript',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The MIME type for a file name's extension, or null when the extension is unknown. */
export function mimeTypeFromFilename(filename: string): string | null {
  if (typeof filename !== 'string') return null;
  var slash = filename.lastIndexOf('/');
  var dot = filename.lastIndexOf('.');
  if (dot <= slash) return null;
  var ext = filename.substring(dot).toLowerCase();
  if (addedMimeTypes.hasOwnProperty(ext)) return addedMimeTypes[ext];
  return MIME_TYPES.hasOwnProperty(ext) ? MIME_TYPES[ext] : null;
}
