// Where web files live. This first backend reads a filesystem through Espruino's `fs` module (an SD
// card on a board, a folder on the Node shim); flash Storage comes with its own backend.

import { ByteSource } from '../transport/Connection';

export interface FileInfo {
  size: number;
  dir: boolean;
  /** Milliseconds since the epoch, 0 when unknown. */
  mtime: number;
}

export interface FileBackend {
  stat(path: string): FileInfo | null;
  /** A source over the file's bytes, or null when it cannot be opened. */
  open(path: string): ByteSource | null;
}

/** Files through `require('fs')`, streamed with `E.openFile` where the firmware has it. */
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

  open(path: string): ByteSource | null {
    var espruino: any = E;
    if (typeof espruino.openFile === 'function') {
      var file: any;
      try {
        file = espruino.openFile(path, 'r');
      } catch (e) {
        return null;
      }
      if (!file) return null;
      return {
        read: function (maxBytes: number) { return file.read(maxBytes); },
        close: function () { file.close(); },
      };
    }
    // Without E.openFile the whole file must be read at once: acceptable for small files only.
    var data: string | undefined;
    try {
      data = require('fs').readFileSync(path);
    } catch (e) {
      return null;
    }
    if (data === undefined) return null;
    var offset = 0;
    var content = data;
    return {
      read: function (maxBytes: number) {
        if (offset >= content.length) return undefined;
        var piece = content.substring(offset, offset + maxBytes);
        offset += piece.length;
        return piece;
      },
    };
  }
}
