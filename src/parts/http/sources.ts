// Pull sources for response bodies. The connection asks a source for at most one slice per 'drain',
// so a body stays where it is (flash, SD card, a user object) until the socket can take it.

import { ByteSource } from '../../core/transport/Connection';
import { isBinaryData, toBinaryString } from '../../core/text/binary';

/** A source over a string already in memory. */
export class StringSource implements ByteSource {
  private offset = 0;
  constructor(private data: string) {}
  read(maxBytes: number): string | undefined {
    if (this.offset >= this.data.length) return undefined;
    var piece = this.data.substring(this.offset, this.offset + maxBytes);
    this.offset += piece.length;
    return piece;
  }
}

/**
 * Adapts what users pass to ReturnStream: an object with `read(n)` (StorageFile, E.openFile File,
 * their own), whose pieces may be strings or binary containers; or a string/binary value.
 */
export function toByteSource(stream: any): ByteSource {
  if (typeof stream === 'string') return new StringSource(stream);
  if (isBinaryData(stream)) return new StringSource(toBinaryString(stream));
  if (typeof stream.read !== 'function') throw new Error('ReturnStream: stream must have a read(n) method');
  return {
    read: function (maxBytes: number): string | undefined {
      var piece = stream.read(maxBytes);
      if (piece === undefined || piece === null) return undefined;
      return typeof piece === 'string' ? piece : toBinaryString(piece);
    },
    close: function () {
      if (typeof stream.close === 'function') stream.close();
    },
  };
}

/** Stops after `length` bytes: a stream announced with Content-Length must not send more. */
export class StreamSource implements ByteSource {
  constructor(private inner: ByteSource, private remaining: number) {}
  read(maxBytes: number): string | undefined {
    if (this.remaining <= 0) return undefined;
    var piece = this.inner.read(maxBytes < this.remaining ? maxBytes : this.remaining);
    if (!piece) return undefined;
    if (piece.length > this.remaining) piece = piece.substring(0, this.remaining);
    this.remaining -= piece.length;
    return piece;
  }
  close(): void {
    if (this.inner.close) this.inner.close();
  }
}

/** Chunk framing overhead for a slice: hex size (up to 8 digits) + CRLF, then CRLF after the data. */
var CHUNK_OVERHEAD = 12;

/**
 * Transfer-Encoding: chunked over any source. Always ends with the `0` chunk, whatever the length
 * (the original forgets it when the length is a multiple of its slot size).
 */
export class ChunkedSource implements ByteSource {
  private finished = false;
  /** StreamSource's: one function for both on a board. */
  close!: () => void;
  constructor(private inner: ByteSource) {}
  read(maxBytes: number): string | undefined {
    if (this.finished) return undefined;
    var room = maxBytes > CHUNK_OVERHEAD * 2 ? maxBytes - CHUNK_OVERHEAD : CHUNK_OVERHEAD;
    var data = this.inner.read(room);
    if (data) return data.length.toString(16) + '\r\n' + data + '\r\n';
    this.finished = true;
    return '0\r\n\r\n';
  }
}
ChunkedSource.prototype.close = StreamSource.prototype.close;
