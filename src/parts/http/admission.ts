// Memory admission: whether a request starts now, waits in line for memory, or is refused. On a
// board running out of variables aborts whatever runs, so a request starts only with its budget
// free above the server's MemoryReserveVars; short of it while other requests are under way, it
// waits for their memory to come back (they are answered and drained a moment later) rather than
// being refused at once.

import { freeVariables } from '../../core/platform/memory';
import { serviceUnavailableResponse } from '../../core/http/refusal';
import { REQUEST_BUDGET } from '../../manifest';
import type { Connection } from '../../core/transport/Connection';
import { LogLevel, ServerContext } from '../../core/ServerContext';

/** What admission needs of a session. */
export interface Admitted {
  readonly connection: Connection;
  /** @internal */
  readonly server: ServerContext;
  /** Input held while waiting for memory to start a request (null: not waiting). @internal */
  deferred: string | null;
  /** When the held input arrived (Date.now()). @internal */
  deferredAt: number;
  /** This request waited for memory once already: it goes on, whatever the memory. @internal */
  memoryWaited: boolean;
  onData(data: string): void;
}

/** Pipelined or held input a connection may keep while it cannot be parsed, in BufferSlotSize units. */
export var MAX_PENDING_SLOTS = 4;

/** Requests of every session between their first byte and the end of their response (or their
 *  connection's): while there are none, waiting for memory is pointless. */
var requestsInProgress = 0;

/** Sessions whose request waits for memory, oldest first. One list and one timer for all of them:
 *  a timer each would itself take the memory they wait for. */
var waitingSessions: Admitted[] = [];

/** Room above the server's MemoryReserveVars for `variables` more. */
export function hasRoomFor(server: ServerContext, variables: number): boolean {
  var needed = server.MemoryReserveVars + variables;
  return freeVariables(needed) >= needed;
}

/**
 * Input for an idle session (no request under way): true when a request starts with it (counted in
 * requestsInProgress until requestOver); false when it was held to wait for memory (onData runs
 * again with it once there is room), or added to what was already held.
 */
export function admit(session: Admitted, data: string): boolean {
  if (session.deferred !== null) {
    session.deferred += data;
    if (session.deferred.length > session.server.BufferSlotSize * MAX_PENDING_SLOTS) session.connection.destroy();
    return false;
  }
  if (!session.memoryWaited &&
      (waitingSessions.length > 0 || !hasRoomFor(session.server, REQUEST_BUDGET.requestVariables))) {
    // Short of memory as a request starts: wait in line (behind any request already waiting) for
    // the requests under way to finish, and for connections that closed to be freed (Espruino frees
    // a closed socket in a later turn of its idle loop: one request after another on new
    // connections otherwise finds the last few still there). Still short after waitMs, it goes on
    // if no other request is under way (refused at its head, 503, if the memory to answer it is
    // still missing), else it gets 503 without being parsed.
    session.deferred = data;
    session.deferredAt = Date.now();
    waitingSessions.push(session);
    if (waitingSessions.length === 1) setTimeout(resumeWaitingSession, REQUEST_BUDGET.retryMs);
    return false;
  }
  requestsInProgress++;
  return true;
}

/** A request that admit() let start is over (answered, or its connection gone). */
export function requestOver(): void {
  requestsInProgress--;
}

/** Resumes the oldest waiting request once there is room for it (or once it waited waitMs), one a
 *  turn: between two, Espruino's idle loop sends what the previous one queued, freeing it. */
function resumeWaitingSession(): void {
  var session = waitingSessions[0];
  if (session.connection.closed) {
    waitingSessions.shift();
  } else if (hasRoomFor(session.server, REQUEST_BUDGET.requestVariables) ||
      (requestsInProgress === 0 && Date.now() - session.deferredAt >= REQUEST_BUDGET.waitMs)) {
    waitingSessions.shift();
    var data = session.deferred as string;
    var self: any = session;
    delete self.deferred;
    delete self.deferredAt;
    // With room, or with no other request under way after waitMs (waiting longer brings no memory
    // back): onData takes the request as it is (refused at its head if the memory is still missing).
    session.memoryWaited = true;
    session.onData(data);
  } else if (Date.now() - session.deferredAt >= REQUEST_BUDGET.waitMs) {
    // Still short, others still under way: refused without being parsed (parsing it would take
    // the memory that is missing; several refusals parsed at once ran a 4,095-variable board out).
    waitingSessions.shift();
    delete (session as any).deferred;
    session.server.Log('Request refused: free memory below MemoryReserveVars after waiting ' + REQUEST_BUDGET.waitMs + ' ms', LogLevel.WARNING);
    session.connection.send(serviceUnavailableResponse());
    session.connection.end();
  }
  if (waitingSessions.length) setTimeout(resumeWaitingSession, REQUEST_BUDGET.retryMs);
}
