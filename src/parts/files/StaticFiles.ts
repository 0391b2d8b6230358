// Static files under RootPath, for GET and HEAD: URL path -> physical path (with no way out of the
// root), default pages for directories, the redirect of a directory to its trailing slash, and the
// MIME policy. FileResponse.ts does the rest.
//
// RootPath `www` (any path) reads the `fs` filesystem: `/css/a.css` -> `www/css/a.css`.
// RootPath `storage:<prefix>` reads flash Storage: `/css/a.css` -> Storage name `<prefix>css/a.css`.

import { FileBackend, isStoragePath, STORAGE_SCHEME } from './FileBackend';
import { storageNameFor } from './StorageBackend';
import { findVariants, FileVariants, sendFileVariants } from './FileResponse';
import { mimeTypeFromFilename } from './mime';
import { utf8Encode } from '../../core/text/utf8';
import { addedDefaultPages } from '../../core/files/registry';
import type { ServerContext } from '../../core/ServerContext';
import type { HttpRequest } from '../http/HttpRequest';

/** Searched in order when a directory is requested, then those AddDefaultPage added. */
var DEFAULT_PAGES = ['index.html', 'index.htm', 'default.html', 'default.htm'];

/** Type of files whose extension is not in the MIME table, when they are served at all. */
var UNKNOWN_TYPE = 'application/octet-stream';

/**
 * True when a decoded URL path stays inside the root: no `..` or `.` segment, no backslash (a
 * separator on some filesystems), no NUL. Names that merely contain dots (`a..b`) are fine.
 */
export function isSafeUrlPath(urlPath: string): boolean {
  if (urlPath.charAt(0) !== '/' || urlPath.indexOf('\\') >= 0 || urlPath.indexOf('\0') >= 0) return false;
  var segments = urlPath.split('/');
  for (var i = 0; i < segments.length; i++) {
    if (segments[i] === '..' || segments[i] === '.') return false;
  }
  return true;
}

/**
 * The physical path of a file's URL path under RootPath: the fs path (text, as `fs` takes it), or
 * `storage:` + its Storage name (UTF-8 bytes); null when no file can have it (unsafe, or a Storage
 * name too long).
 */
export function physicalPathFor(rootPath: string, urlPath: string): string | null {
  if (!isSafeUrlPath(urlPath)) return null;
  if (isStoragePath(rootPath)) {
    // Storage names are bytes (the tooling stores UTF-8); the decoded path is text on some engines.
    var name = storageNameFor(utf8Encode(rootPath.substring(STORAGE_SCHEME.length)), utf8Encode(urlPath));
    return name === null ? null : STORAGE_SCHEME + name;
  }
  var root = rootPath.charAt(rootPath.length - 1) === '/' ? rootPath.substring(0, rootPath.length - 1) : rootPath;
  return root + urlPath;
}

function findFile(files: FileBackend, rootPath: string, urlPath: string): FileVariants | null {
  var path = physicalPathFor(rootPath, urlPath);
  return path === null ? null : findVariants(files, path);
}

/** The variants of the file a URL path names: for a path ending in `/`, its first default page. */
function findForUrl(files: FileBackend, rootPath: string, urlPath: string): FileVariants | null {
  if (urlPath.charAt(urlPath.length - 1) !== '/') return findFile(files, rootPath, urlPath);
  var pages = DEFAULT_PAGES.concat(addedDefaultPages);
  for (var i = 0; i < pages.length; i++) {
    var page = findFile(files, rootPath, urlPath + pages[i]);
    if (page !== null) return page;
  }
  return null;
}

export interface ResolvedFile {
  path: string;
  size: number;
  mtime: number;
}

/** Physical file (not its `.gz`) for a URL path; a directory, with or without `/`, gives its default page. */
export function resolveFile(files: FileBackend, rootPath: string, urlPath: string): ResolvedFile | null {
  var found = findForUrl(files, rootPath, urlPath);
  if ((found === null || found.plain === null) && urlPath.charAt(urlPath.length - 1) !== '/') {
    found = findForUrl(files, rootPath, urlPath + '/');
  }
  if (found === null || found.plain === null) return null;
  return { path: found.path, size: found.plain.size, mtime: found.plain.mtime };
}

/** `Location` of a directory's trailing-slash URL: the raw path (one leading `/`, never `//host`) and query. */
function directoryLocation(request: HttpRequest): string {
  var path: string = request.head.path;
  var start = 0;
  while (start < path.length - 1 && path.charAt(start) === '/' && path.charAt(start + 1) === '/') start++;
  var query: string = request.QueryString;
  return path.substring(start) + '/' + (query ? '?' + query : '');
}

/**
 * Answers GET/HEAD for a static file: the file (see FileResponse.ts), 301 from a directory to its
 * `/` URL, 403 for an extension missing from the MIME table unless ServeUnknownTypes, else not found.
 */
export function serveStaticFile(server: ServerContext, request: HttpRequest): void {
  var response = request.Response;
  var files: FileBackend = server.files;
  var urlPath: string = request.Path;
  var variants = findForUrl(files, server.RootPath, urlPath);
  if (variants === null) {
    if (urlPath.charAt(urlPath.length - 1) !== '/' && findForUrl(files, server.RootPath, urlPath + '/') !== null) {
      response.SetHeader('Location', directoryLocation(request));
      response.Return(301);
    } else {
      response.ReturnNotFound();
    }
    return;
  }
  var mimeType = mimeTypeFromFilename(variants.path);
  if (mimeType === null) {
    // As the original: by default a file type the server does not know is not served.
    if (!server.ServeUnknownTypes) {
      response.ReturnForbidden();
      return;
    }
    mimeType = UNKNOWN_TYPE;
  }
  response.AllowCaching = true;
  sendFileVariants(response, files, variants, mimeType);
}
