// One managed TCP (or TLS) connection: the original's XAsyncTCPClient role.
//
// Why a send queue paced by 'drain': Espruino's socket.write() never refuses data, buffers it without
// limit, and costs quadratic time for a large write. So the connection hands the socket at most one
// slice of BufferSlotSize bytes at a time and writes the next slice only when the socket says its
// buffer is empty. Data waiting here stays where it already is (a user string, or a file still on
// flash), so serving a large file never copies it into RAM.
//
// Why it is shaped as it is: on a board every property of every open connection costs variables.
// So the socket listeners are shared functions (Espruino calls them with `this` = the socket,
// which points back at its connection), not closures per connection; state flags share one
// number; and fields whose value is usually the default live on the prototype, so an idle
// keep-alive connection stores only its socket, its server and its deadline: its handler (the HTTP
// session) exists from a request's first byte to the end of its response.

import { freeVariables } from '../platform/memory';
import type { ServerContext } from '../ServerContext';

/** A pull source of binary data: files, streams, chunked encoders. `read` returns '' or undefined at the end. */
export interface ByteSource {
  read(maxBytes: number): string | undefined;
  close?: () => void;
}

/** What the connection tells its owner (the HTTP session, then a WebSocket after an upgrade). */
export interface ConnectionHandler {
  onData(data: string): void;
  /** Everything queued has been handed to the network. */
  onDrained?: () => void;
  /** The deadline passed. The handler decides what to send; the connection closes afterwards unless re-armed. */
  onTimeout(): void;
  /** The server is stopping and is about to destroy the connection: last chance for a goodbye. */
  onServerStopping?: () => void;
  /** Called once, whatever closed the connection; release everything here. */
  onClosed(): void;
}

/** The server that accepted the connection: its settings, and who to tell when it is gone. */
export interface ConnectionListener extends ServerContext {
  /** The handler for a connection that has none (a fresh or idle keep-alive one) when data arrives:
   *  an idle connection then holds no handler object at all. */
  openHandler(connection: Connection): ConnectionHandler | null;
  onConnectionReleased(connection: Connection): void;
}

var SOURCE_MARK = 1;
/** Bytes of a slice per free variable it may use: a binary string holds about 10 to 12 bytes per
 *  variable, and a slice exists twice while the socket copies it into its own buffer. */
var SLICE_BYTES_PER_VARIABLE = 5;
/** With memory for less than this, a connection waits (the pool's sweep retries) instead of writing. */
var MIN_SLICE = 128;
/** A slice has been given to the socket and its 'drain' has not come back yet. */
var WRITING = 1;
/** end() was asked: close once the queue is sent. */
var CLOSING = 2;
var CLOSED = 4;
/** socket.end() was called (it must be called once, and always, to free the socket). */
var ENDED = 8;
/** The shared 'drain' listener is on the socket: only while sending, since a listener costs an idle
 *  connection about 5 variables on a board. */
var DRAIN_LISTENED = 16;

/** A socket with its connection: the shared listeners below find it there (4 characters: one
 *  variable). Deleted when the connection is released. */
interface ManagedSocket extends EspruinoSocket {
  mws2?: Connection;
}

function onSocketData(this: ManagedSocket, data: string): void {
  var connection = this.mws2;
  if (!connection || connection.closed) return;
  var handler = connection.handler;
  if (handler === null && connection.owner !== null) handler = connection.owner.openHandler(connection);
  if (handler) handler.onData(data);
}

function onSocketDrain(this: ManagedSocket): void {
  var connection = this.mws2;
  if (connection) connection.onSocketDrain();
}

function onSocketClose(this: ManagedSocket): void {
  var connection = this.mws2;
  if (connection) connection.onSocketClosed();
}


export class Connection {
  /** WRITING | CLOSING | CLOSED | ENDED | DRAIN_LISTENED, in one number (one variable). */
  private flags!: number;
  /** Binary strings and [SOURCE_MARK, ByteSource] pairs waiting to be sent; null when empty. */
  private queue!: any[] | null;
  /** How much of the string at the head of the queue is already sent: large strings are sliced
   *  in place instead of copying their rest after every slice. */
  private headOffset!: number;
  /** Bytes accepted by send() but not yet handed to the socket (sources count as unknown: 0). @internal */
  pendingBytes!: number;
  /** Milliseconds timestamp; 0 when no deadline is armed. Swept by the pool's single timer. @internal */
  deadline!: number;
  /** @internal */
  handler!: ConnectionHandler | null;
  /** When non-zero, every slice the socket drains re-arms the deadline this far ahead: a slow
   *  reader is fine, a client that stopped reading is not. @internal */
  progressTimeoutSec!: number;

  constructor(
    /** The server (its ConnectionListener side). Cleared when released, so a closed connection does
     *  not keep its server reachable. Not named `listener`: terser never shortens DOM property names. @internal */
    public owner: ConnectionListener | null,
    /** @internal */
    readonly socket: EspruinoSocket,
  ) {
    (socket as ManagedSocket).mws2 = this;
    socket.on('data', onSocketData);
    socket.on('close', onSocketClose);
    // No 'error' listener: on Espruino 'error' is always followed by 'close', and an event nobody
    // listens to costs nothing (unlike Node, Espruino does not throw it).
  }

  get closed(): boolean {
    return (this.flags & CLOSED) !== 0;
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
    if (this.flags & (CLOSING | CLOSED)) {
      if (typeof item !== 'string' && item.close) item.close();
      return;
    }
    var entry: any = item;
    if (typeof item === 'string') {
      if (!item) return;
      this.pendingBytes += item.length;
    } else {
      entry = [SOURCE_MARK, item];
    }
    if (this.queue === null) this.queue = [entry];
    else this.queue.push(entry);
  }

  /** Re-arm the deadline on every drained slice while sending (0: stop). */
  setProgressTimeout(seconds: number): void {
    if (seconds > 0) this.progressTimeoutSec = seconds;
    else delete (this as any).progressTimeoutSec;
  }

  /** Sets the deadline `seconds` from now (0: none). */
  setTimeout(seconds: number): void {
    this.deadline = seconds > 0 ? Date.now() + seconds * 1000 : 0;
  }

  /** Closes once everything queued has been sent. */
  end(): void {
    if (this.flags & (CLOSING | CLOSED)) return;
    this.flags |= CLOSING;
    if ((this.flags & WRITING) === 0 && this.queue === null) this.endSocket();
  }

  /** Closes now, dropping whatever is queued (what the socket already took is still flushed). */
  destroy(): void {
    if (this.flags & CLOSED) return;
    this.dropQueue();
    this.flags |= CLOSING;
    this.endSocket();
    // Espruino emits 'close' later; release at once so a dead peer cannot hold a slot.
    this.onSocketClosed();
  }

  /**
   * Writes `data` straight to the socket when nothing is queued or in flight (so it cannot land in
   * the middle of something else); returns false, writing nothing, otherwise. For last words
   * before destroy(), such as a WebSocket's Close frame when the server stops.
   */
  writeIfIdle(data: string): boolean {
    if (this.flags & (WRITING | CLOSING | CLOSED) || this.queue !== null) return false;
    this.socket.write(data);
    return true;
  }

  private endSocket(): void {
    if (this.flags & ENDED) return;
    this.flags |= ENDED;
    this.socket.end();
  }

  /** Called by the pool's sweep when the deadline passed. */
  expire(): void {
    this.deadline = 0;
    if (this.flags & CLOSED) return;
    if (this.handler) this.handler.onTimeout();
    else this.destroy();
  }

  /** Starts sending what is queued: hands the next slice to the socket if none is in flight. */
  flush(): void {
    if (this.flags & (WRITING | CLOSED)) return;
    var listener = this.owner;
    var sliceSize = listener !== null ? listener.BufferSlotSize : 536;
    var tail = sliceSize;
    var queue = this.queue;
    if (queue !== null && listener !== null && listener.MemoryReserveVars > 0) {
      // Running out of memory aborts whatever runs, uncatchably: with little free, send a smaller
      // slice, or none until the pool's sweep finds more free (resume()).
      var keep = listener.MemoryReserveVars >> 1;
      var wanted = keep + Math.ceil(2 * sliceSize / SLICE_BYTES_PER_VARIABLE);
      var affordable = (freeVariables(wanted) - keep) * SLICE_BYTES_PER_VARIABLE;
      if (affordable < 2 * sliceSize) {
        if (affordable < MIN_SLICE) return;
        if (affordable < sliceSize) sliceSize = affordable;
        tail = 0;
      }
    }
    var slice = '';
    // Headers and the first slice of a body go out together: separate small writes would hit the
    // Nagle/delayed-ACK floor (about 40 ms a response on the original).
    while (queue !== null && slice.length < sliceSize) {
      var room = sliceSize - slice.length;
      var head = queue[0];
      if (typeof head === 'string') {
        var offset = this.headOffset;
        var left = head.length - offset;
        // A tail of up to one more slice rides with this one: sent as its own small write, Nagle
        // would hold it until the peer's delayed ACK (about 40 ms a message on Linux and lwIP).
        if (left <= room + tail) {
          slice += offset ? head.substring(offset) : head;
          this.pendingBytes -= left;
          queue.shift();
          delete (this as any).headOffset;
        } else {
          slice += head.substring(offset, offset + room);
          this.headOffset = offset + room;
          this.pendingBytes -= room;
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
      if (queue.length === 0) {
        queue = null;
        this.clearQueue();
      }
    }
    if (slice) {
      // Espruino queues 'drain' from its idle loop, so a listener added with the write still hears it.
      if (!(this.flags & DRAIN_LISTENED)) this.socket.on('drain', onSocketDrain);
      this.flags |= WRITING | DRAIN_LISTENED;
      this.socket.write(slice);
      return;
    }
    if (this.flags & DRAIN_LISTENED) {
      // Back to the prototype's 0 when no other flag is set: an own 0 costs an idle connection 2 variables.
      var flags = this.flags & ~DRAIN_LISTENED;
      if (flags !== 0) this.flags = flags;
      else delete (this as any).flags;
      // removeListener would leave an empty list behind on Espruino (2 variables); this leaves nothing.
      this.socket.removeAllListeners('drain');
    }
    if (this.flags & CLOSING) {
      this.endSocket();
      return;
    }
    if (this.handler && this.handler.onDrained) this.handler.onDrained();
  }

  /** Sends what waited for free memory, if anything did (from the pool's sweep). */
  resume(): void {
    if (this.queue !== null && !(this.flags & (WRITING | CLOSED))) this.flush();
  }

  /** From the shared 'drain' listener. */
  onSocketDrain(): void {
    if (this.flags & CLOSED) return;
    this.flags &= ~WRITING;
    if (this.progressTimeoutSec > 0) this.setTimeout(this.progressTimeoutSec);
    this.flush();
    if (this.flags === 0) delete (this as any).flags;
  }

  /** Back to the prototype's defaults: an empty queue costs no variables. */
  private clearQueue(): void {
    delete (this as any).queue;
    delete (this as any).pendingBytes;
    delete (this as any).headOffset;
  }

  private dropQueue(): void {
    var queue = this.queue;
    this.clearQueue();
    if (queue === null) return;
    for (var i = 0; i < queue.length; i++) {
      if (typeof queue[i] !== 'string' && queue[i][1].close) queue[i][1].close();
    }
  }

  /** From the shared 'close' listener, or destroy(). Runs once. */
  onSocketClosed(): void {
    if (this.flags & CLOSED) return;
    this.flags = CLOSED;
    this.dropQueue();
    this.deadline = 0;
    delete (this.socket as ManagedSocket).mws2;
    var handler = this.handler;
    var listener = this.owner;
    this.handler = null;
    this.owner = null;
    if (listener !== null) listener.onConnectionReleased(this);
    if (handler) handler.onClosed();
  }
}

// Defaults shared by every connection; an instance only stores what differs (see the top comment).
var defaults: any = Connection.prototype;
defaults.flags = 0;
defaults.queue = null;
defaults.pendingBytes = 0;
defaults.headOffset = 0;
defaults.deadline = 0;
defaults.handler = null;
defaults.progressTimeoutSec = 0;
