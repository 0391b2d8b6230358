// The pool of managed connections: the original's XAsyncSocketsPool role, kept under its name so
// `StartInPool(pool)` code ports as is.
//
// Espruino runs one JavaScript thread driven by its event loop, so there is no thread to start:
// `AsyncWaitEvents(threadsCount)` and `StartManaged(parllProcCount, procStackSize)` accept the
// original's arguments for compatibility and ignore them. What the pool does own is the one timer
// that sweeps every connection's deadline (one interval for all, instead of one timer per
// connection, because every timer costs variables on a board) and releases the parts requests
// loaded. It runs only while there is something to sweep: a connection, or a loaded part. An idle
// server holds no timer; the next connection starts it again.

import { anyPartLoaded, releaseIdleParts } from '../platform/partLoader';
import { Connection, ConnectionListener } from './Connection';

/** How often deadlines are checked. Time-outs are therefore accurate to about this much. */
var SWEEP_INTERVAL_MS = 500;

export class XAsyncSocketsPool {
  private connections: Connection[] = [];
  private sweepTimer: any = null;

  /** Accepted for compatibility with the original; Espruino is single-threaded. */
  AsyncWaitEvents(threadsCount?: number): void {
    this.startSweeping();
  }

  /** Closes every connection and stops the sweep timer. */
  StopWaitEvents(): void {
    var list = this.connections.slice();
    for (var i = 0; i < list.length; i++) list[i].destroy();
    this.stopSweeping();
  }

  /** Open connections (closed ones leave the list at the next sweep). */
  get ConnectionsCount(): number {
    var count = 0;
    for (var i = 0; i < this.connections.length; i++) if (!this.connections[i].closed) count++;
    return count;
  }

  /** Wraps an accepted socket; the pool keeps it until it closes. */
  addConnection(socket: EspruinoSocket, listener: ConnectionListener): Connection {
    var connection = new Connection(listener, socket);
    this.connections.push(connection);
    this.startSweeping();
    return connection;
  }

  /** Closes every connection accepted on behalf of one server, letting each say goodbye first. */
  closeConnectionsOf(listener: ConnectionListener): void {
    var list = this.connections.slice();
    for (var i = 0; i < list.length; i++) {
      var connection = list[i];
      if (connection.owner !== listener) continue;
      var handler = connection.handler;
      if (handler && handler.onServerStopping) handler.onServerStopping();
      connection.destroy();
    }
  }

  private startSweeping(): void {
    if (this.sweepTimer !== null) return;
    var self = this;
    this.sweepTimer = setInterval(function () { self.sweep(); }, SWEEP_INTERVAL_MS);
  }

  private stopSweeping(): void {
    if (this.sweepTimer === null) return;
    clearInterval(this.sweepTimer);
    this.sweepTimer = null;
  }

  /**
   * Expires connections whose deadline passed, and forgets closed ones. Closed connections leave the
   * list here rather than when they close, so a connection needs no reference back to its pool.
   */
  private sweep(): void {
    var now = Date.now();
    // Copy first: expiring a connection may close it.
    var list = this.connections.slice();
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (c.deadline !== 0 && c.deadline <= now) c.expire();
      else c.resume();
    }
    var open: Connection[] = [];
    for (var k = 0; k < this.connections.length; k++) {
      if (!this.connections[k].closed) open.push(this.connections[k]);
    }
    this.connections = open;
    releaseIdleParts(now);
    if (open.length === 0 && !anyPartLoaded()) this.stopSweeping();
  }
}
