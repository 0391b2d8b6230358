// Files through `require('fs')`: an SD card on a board, a folder on the Node shim. Bodies are read
// with E.openFile one slice at a time, so a large file never sits in RAM.

import { ByteSource } from '../../core/transport/Connection';
import { httpPart } from '../../core/parts';
import { FileBackend, FileInfo } from './FileBackend';

/** An E.openFile File read from its current position, `remaining` bytes at most. */
class OpenFileSource implements ByteSource {
  constructor(private file: any, private remaining: number) {}

  read(maxBytes: number): string | undefined {
    var file = this.file;
    if (file === null || this.remaining <= 0) return undefined;
    var piece = file.read(maxBytes < this.remaining ? maxBytes : this.remaining);
    if (!piece) return undefined;
    this.remaining -= piece.length;
    return piece;
  }

  close(): void {
    var file = this.file;
    this.file = null;
    if (file !== null) file.close();
  }
}

export class FsBackend implements FileBackend {
  stat(path: string): FileInfo | null {
    var stats: EspruinoStat | undefined;
    try {
      stats = require('fs').statSync(path);
    } catch (e) {
      return null;
    }
    if (!stats) return null;
    return { size: stats.size, dir: !!stats.dir, mtime: stats.mtime ? stats.mtime.getTime() : 0 };
  }

  open(path: string, offset?: number, length?: number): ByteSource | null {
    var start = offset || 0;
    var count = length === undefined ? Infinity : length;
    var espruino: any = E;
    if (typeof espruino.openFile === 'function') {
      var file: any;
      try {
        file = espruino.openFile(path, 'r');
      } catch (e) {
        return null;
      }
      if (!file) return null;
      if (start > 0) file.seek(start);
      return new OpenFileSource(file, count);
    }
    // Without E.openFile the whole file must be read at once: acceptable for small files only.
    var data: string | undefined;
    try {
      data = require('fs').readFileSync(path);
    } catch (e) {
      return null;
    }
    if (data === undefined) return null;
    // Read outside a request (an application at boot), this loads the HTTP part for its StringSource.
    var http = httpPart(null);
    if (http === null) throw new Error('Not enough free memory to read ' + path);
    return new http.StringSource(data.substring(start, count === Infinity ? data.length : start + count));
  }

  /**
   * Weak (RFC 9110 §8.8.1): size and modification time in whole seconds cannot tell apart two
   * versions written within one second (two on FAT) with the same size.
   */
  etag(path: string, info: FileInfo): string {
    return 'W/"' + info.size.toString(16) + '-' + Math.floor(info.mtime / 1000).toString(16) + '"';
  }
}
