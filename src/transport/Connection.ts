// One managed TCP (or TLS) connection: the original's XAsyncTCPClient role.
//
// Why a send queue paced by 'drain': Espruino's socket.write() never refuses data, buffers it without
// limit, and costs quadratic time for a large write. So the connection hands the socket at most one
// slice of `sliceSize` bytes at a time and writes the next slice only when the socket says its buffer
// is empty. Data waiting here stays where it already is (a user string, or a file still on flash),
// so serving a large file never copies it into RAM.

/** A pull source of binary data: files, streams, chunked encoders. `read` returns '' or undefined at the end. */
export interface ByteSource {
  read(maxBytes: number): string | undefined;
  close?: () => void;
}

/** What the connection tells its owner (the HTTP session, later a WebSocket). */
export interface ConnectionHandler {
  onData(data: string): void;
  /** Everything queued has been handed to the network. */
  onDrained?: () => void;
  /** The deadline passed. The handler decides what to send; the connection closes afterwards unless re-armed. */
  onTimeout(): void;
  /** Called once, whatever closed the connection; release everything here. */
  onClosed(): void;
}

export interface ConnectionOwner {
  releaseConnection(connection: Connection): void;
  now(): number;
}

/** Who accepted the connection (a server), told when the pool releases it. */
export interface ConnectionListener {
  onConnectionReleased(connection: Connection): void;
}

var SOURCE_MARK = 1;

export class Connection {
  /** Binary strings and ByteSources waiting to be sent, in order. Empty most of the time. */
  private queue: any[] | null = null;
  private queuedBytes = 0;
  /** A slice has been given to the socket and its 'drain' has not come back yet. */
  private writing = false;
  private closing = false;
  /** Milliseconds timestamp; 0 when no deadline is armed. Swept by the pool's single timer. */
  deadline = 0;
  closed = false;
  handler: ConnectionHandler | null = null;
  /** When non-zero, every slice the socket drains re-arms the deadline this far ahead: a slow
   *  reader is fine, a client that stopped reading is not. */
  progressTimeoutSec = 0;

  constructor(
    private owner: ConnectionOwner,
    /** Cleared when released, so a closed connection does not keep its server reachable. */
    public listener: ConnectionListener | null,
    readonly socket: EspruinoSocket,
    readonly isSSL: boolean,
    readonly sliceSize: number,
  ) {
    var self = this;
    socket.on('data', function (data: string) {
      if (!self.closed && self.handler) self.handler.onData(data);
    });
    socket.on('drain', function () { self.onSocketDrain(); });
    socket.on('close', function () { self.onSocketClosed(); });
    // 'error' is always followed by 'close' on Espruino: nothing to do but avoid an uncaught error.
    socket.on('error', function () { });
  }

  /** `[ip, port]` where the network driver gives it (not on Espruino's Linux build): else `['', 0]`. */
  get remoteAddress(): [string, number] {
    return [this.socket.remoteAddress || '', this.socket.remotePort || 0];
  }

  /** Bytes accepted by send() but not yet handed to the socket (sources count as unknown: 0). */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** True while nothing is queued or being written: the moment to send more. */
  get isIdle(): boolean {
    return !this.writing && this.queue === null;
  }

  /** Queues binary data (a binary string) and starts sending. Sent in slices, never one large write. */
  send(data: string): void {
    this.enqueue(data);
    this.flush();
  }

  /**
   * Queues without sending yet, so the next flush() puts consecutive items (a response head and the
   * start of its body) into one socket write. `item`: a binary string, or a pull source read one
   * slice per 'drain' so its data stays at the source until sent.
   */
  enqueue(item: string | ByteSource): void {
    if (this.closed || this.closing) {
      if (typeof item !== 'string' && item.close) item.close();
      return;
    }
    if (typeof item === 'string') {
      if (!item) return;
      this.queuedBytes += item.length;
      this.pushQueue(item);
    } else {
      this.pushQueue([SOURCE_MARK, item]);
    }
  }

  /** Starts sending what is queued, if no slice is already on its way. */
  flush(): void {
    this.pump();
  }

  /** Sets the deadline `seconds` from now (0: none). */
  setTimeout(seconds: number): void {
    this.deadline = seconds > 0 ? this.owner.now() + seconds * 1000 : 0;
  }

  /** Closes once everything queued has been sent. */
  end(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    if (this.isIdle) this.socket.end();
  }

  /** Closes now, dropping whatever is queued. */
  destroy(): void {
    if (this.closed) return;
    this.dropQueue();
    this.closing = true;
    this.socket.end();
    // Espruino emits 'close' later; release at once so a dead peer cannot hold a slot.
    this.onSocketClosed();
  }

  /** Called by the pool's sweep when the deadline passed. */
  expire(): void {
    this.deadline = 0;
    if (this.closed) return;
    if (this.handler) this.handler.onTimeout();
    else this.destroy();
  }

  private pushQueue(item: any): void {
    if (this.queue === null) this.queue = [item];
    else this.queue.push(item);
  }

  private writeSlice(slice: string): void {
    this.writing = true;
    this.socket.write(slice);
  }

  /** Hands the next slice to the socket if none is in flight. */
  private pump(): void {
    if (this.writing || this.closed) return;
    var slice = '';
    var queue = this.queue;
    // Headers and the first slice of a body go out together: separate small writes would hit the
    // Nagle/delayed-ACK floor (about 40 ms a response on the original).
    while (queue !== null && slice.length < this.sliceSize) {
      var room = this.sliceSize - slice.length;
      var head = queue[0];
      if (typeof head === 'string') {
        if (head.length <= room) {
          slice += head;
          this.queuedBytes -= head.length;
          queue.shift();
        } else {
          slice += head.substring(0, room);
          queue[0] = head.substring(room);
          this.queuedBytes -= room;
        }
      } else {
        var source: ByteSource = head[1];
        var piece = source.read(room);
        if (piece) {
          slice += piece;
        } else {
          if (source.close) source.close();
          queue.shift();
        }
      }
      if (queue.length === 0) queue = this.queue = null;
    }
    if (slice) {
      this.writeSlice(slice);
      return;
    }
    this.onQueueEmpty();
  }

  private onSocketDrain(): void {
    if (this.closed) return;
    this.writing = false;
    if (this.progressTimeoutSec > 0) this.setTimeout(this.progressTimeoutSec);
    this.pump();
  }

  private onQueueEmpty(): void {
    if (this.closing) {
      this.socket.end();
      return;
    }
    if (this.handler && this.handler.onDrained) this.handler.onDrained();
  }

  private dropQueue(): void {
    var queue = this.queue;
    this.queue = null;
    this.queuedBytes = 0;
    if (queue === null) return;
    for (var i = 0; i < queue.length; i++) {
      if (typeof queue[i] !== 'string' && queue[i][1].close) queue[i][1].close();
    }
  }

  private onSocketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.writing = false;
    this.dropQueue();
    this.deadline = 0;
    var handler = this.handler;
    this.handler = null;
    this.owner.releaseConnection(this);
    if (handler) handler.onClosed();
  }
}
