// Static files under RootPath, for GET and HEAD: URL path -> physical path (with no way out of the
// root), default pages for directories, the MIME table, and a streamed body.

import { FileBackend } from './FileBackend';
import { mimeTypeFromFilename } from './mime';

/** Searched in order when a directory is requested; AddDefaultPage appends. */
export var defaultPages = ['index.html', 'index.htm', 'default.html', 'default.htm'];

export function addDefaultPage(filename: string): void {
  if (typeof filename !== 'string' || !filename || filename.indexOf('/') >= 0) {
    throw new Error('AddDefaultPage: filename must be a non-empty file name');
  }
  if (defaultPages.indexOf(filename) < 0) defaultPages.push(filename);
}

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

export interface ResolvedFile {
  path: string;
  size: number;
  mtime: number;
}

/** Physical file for a URL path (a directory resolves to its first default page), or null. */
export function resolveFile(files: FileBackend, rootPath: string, urlPath: string): ResolvedFile | null {
  if (!isSafeUrlPath(urlPath)) return null;
  var root = rootPath.charAt(rootPath.length - 1) === '/' ? rootPath.substring(0, rootPath.length - 1) : rootPath;
  var path = root + urlPath;
  if (path.charAt(path.length - 1) === '/') path = path.substring(0, path.length - 1);
  var info = files.stat(path);
  if (info === null) return null;
  if (!info.dir) return { path: path, size: info.size, mtime: info.mtime };
  for (var i = 0; i < defaultPages.length; i++) {
    var page = path + '/' + defaultPages[i];
    var pageInfo = files.stat(page);
    if (pageInfo !== null && !pageInfo.dir) return { path: page, size: pageInfo.size, mtime: pageInfo.mtime };
  }
  return null;
}

/** Answers GET/HEAD for a static file: 200 with the file, 403 for an unknown type, or not found. */
export function serveStaticFile(server: any, request: any): void {
  var response = request.Response;
  var file = resolveFile(server.files, server.RootPath, request.Path);
  if (file === null) {
    response.ReturnNotFound();
    return;
  }
  var mimeType = mimeTypeFromFilename(file.path);
  if (mimeType === null) {
    // As the original: a file type the server does not know is not served.
    response.ReturnForbidden();
    return;
  }
  var source = server.files.open(file.path);
  if (source === null) {
    response.ReturnForbidden();
    return;
  }
  response.AllowCaching = true;
  response.sendFile(source, file.size, mimeType);
}
