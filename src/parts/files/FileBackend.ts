// Where files live. A physical path names a file on one of two backends: an `fs` path (an SD card on
// a board, a folder on the Node shim), or `storage:<name>` for a file in flash Storage. The server's
// `files` object takes either kind, so RootPath, ReturnFile and modules share one way to reach files.

import { ByteSource } from '../../core/transport/Connection';
import { FsBackend } from './FsBackend';
import { StorageBackend } from './StorageBackend';

export interface FileInfo {
  size: number;
  dir: boolean;
  /** Milliseconds since the epoch, 0 when unknown (Storage keeps no dates). */
  mtime: number;
}

export interface FileBackend {
  /** The file or directory at `path`, or null when there is none. */
  stat(path: string): FileInfo | null;
  /**
   * A source over the file's bytes from `offset` (default 0), at most `length` bytes (default: to the
   * end), read one slice per call so the file stays where it is; null when it cannot be opened.
   */
  open(path: string, offset?: number, length?: number): ByteSource | null;
  /** An entity tag for the file as `stat` described it (RFC 9110 §8.8.3), or null when none can be made. */
  etag(path: string, info: FileInfo): string | null;
}

import { STORAGE_SCHEME, isStoragePath } from '../../core/files/registry';

export { STORAGE_SCHEME, isStoragePath };

/**
 * True when a path has a `..` segment (with `/` or `\` as separators: FAT takes both), a NUL (which
 * ends a name early on the board) or is empty: such a path may reach outside the folder it was built for.
 */
export function isEscapingPath(path: string): boolean {
  if (!path || path.indexOf('\0') >= 0) return true;
  var segments = path.split('\\').join('/').split('/');
  for (var i = 0; i < segments.length; i++) {
    if (segments[i] === '..') return true;
  }
  return false;
}

/** Sends each physical path to its backend. */
export class PhysicalFiles implements FileBackend {
  private fs = new FsBackend();
  private storage = new StorageBackend();

  stat(path: string): FileInfo | null {
    if (isStoragePath(path)) return this.storage.stat(path.substring(STORAGE_SCHEME.length));
    return this.fs.stat(path);
  }

  open(path: string, offset?: number, length?: number): ByteSource | null {
    if (isStoragePath(path)) return this.storage.open(path.substring(STORAGE_SCHEME.length), offset, length);
    return this.fs.open(path, offset, length);
  }

  etag(path: string, info: FileInfo): string | null {
    if (isStoragePath(path)) return this.storage.etag(path.substring(STORAGE_SCHEME.length), info);
    return this.fs.etag(path, info);
  }
}
