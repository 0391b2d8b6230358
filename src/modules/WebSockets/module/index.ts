// The WebSockets module: MicroWebSrv2.LoadModule('WebSockets'). Its bundle is separate from the core
// (`MicroWebSrv2.WebSockets`), so a board that serves no WebSocket does not carry it.
//
// The handshake follows RFC 6455 §4.2 where the original does not: GET only, `Connection` and
// `Upgrade` compared as tokens, version other than 13 -> 426 with `Sec-WebSocket-Version: 13`.

import type { WebSocket } from '../socket/WebSocket';
import type { SocketPart } from '../socket';
import type { HandshakePart } from '../handshake';
import type { HttpRequest } from '../../../parts/http/HttpRequest';
import type { HttpResponse } from '../../../parts/http/HttpResponse';
import type { MicroWebSrv2 } from '../../../core/MicroWebSrv2';
import { LogLevel } from '../../../core/ServerContext';
import { forgetKept, loadPart } from '../../../core/platform/partLoader';
import { freeVariables } from '../../../core/platform/memory';
import { DEFAULT_WAIT_FRAME_TIMEOUT_SEC } from '../defaults';
import { WS_HANDSHAKE_PART, WS_SOCKET_PART } from '../../../manifest';

/** The send queue's default bound, in BufferSlotSize units. */
var SEND_QUEUE_SLOTS = 4;

export class WebSockets {
  /** `(microWebSrv2, protocols: string[]) => string | null`: pick one of the offered subprotocols. */
  OnWebSocketProtocol: ((microWebSrv2: MicroWebSrv2, protocols: string[]) => string | null | undefined) | null = null;
  /** `(microWebSrv2, webSocket)`: a WebSocket is open; set its callbacks here. */
  OnWebSocketAccepted: ((microWebSrv2: MicroWebSrv2, webSocket: WebSocket) => void) | null = null;
  /**
   * Paths that accept WebSockets (exact, case-sensitive, e.g. `['/', '/wschat']`); null accepts any
   * path, as the original. A request to another path is left to routes and files.
   */
  Paths: string[] | null = null;
  /** Defaults given to each new WebSocket (each can change its own). */
  WaitFrameTimeoutSec = DEFAULT_WAIT_FRAME_TIMEOUT_SEC;
  /** null: the server's MaxRequestContentLength, as the original. */
  MaxRecvMessageLength: number | null = null;
  /** null: four times the server's BufferSlotSize. */
  MaxSendQueueBytes: number | null = null;
  /**
   * false (default): `webSocket.Request` gives its path, method, query and address for the socket's
   * lifetime, but its header fields only until OnWebSocketAccepted returns (read cookies or tokens
   * there): the WebSocket then keeps only the request's target, rebuilding the request on each read
   * (header fields and the request cost a board about 60 variables per open WebSocket). true keeps
   * the request itself, the same object on every read.
   */
  KeepRequestHeaders = false;

  OnRequest(microWebSrv2: MicroWebSrv2, request: HttpRequest): void {
    if (!request.IsUpgrade) return;
    var response = request.Response;
    var reserve = microWebSrv2.MemoryReserveVars || 0;
    var handshake = loadPart<HandshakePart>(WS_HANDSHAKE_PART.name, WS_HANDSHAKE_PART.variables, reserve);
    if (handshake === null) {
      refuseForMemory(microWebSrv2, response, WS_HANDSHAKE_PART.name);
      return;
    }
    if (!handshake.hasToken(request.Upgrade, 'websocket')) return;
    if (this.Paths !== null && this.Paths.indexOf(request.Path) < 0) return;
    var check = handshake.checkUpgradeRequest(request.Method, request.head.headers);
    if (!check.ok) {
      if (check.status === 426) response.SetHeader('Sec-WebSocket-Version', '13');
      if (check.status === 405) response.SetHeader('Allow', 'GET');
      microWebSrv2.Log('WebSocket handshake refused (' + check.status + '): ' + check.reason, LogLevel.DEBUG);
      response.Return(check.status);
      return;
    }
    if (this.OnWebSocketProtocol && check.protocols.length) {
      var chosen = this.OnWebSocketProtocol(microWebSrv2, check.protocols);
      // Echoed only when it is one the client offered (RFC 6455 §4.2.2).
      if (chosen && check.protocols.indexOf(chosen) >= 0) response.SetHeader('Sec-WebSocket-Protocol', chosen);
    }
    var socketPart = loadPart<SocketPart>(WS_SOCKET_PART.name, WS_SOCKET_PART.variables, reserve);
    if (socketPart === null) {
      refuseForMemory(microWebSrv2, response, WS_SOCKET_PART.name);
      return;
    }
    response.SetHeader('Sec-WebSocket-Accept', handshake.acceptKey(check.key));
    // The HTTP session lets go of the response and the session here (webSocket.Request.Response is
    // null from here on); the WebSocket takes the request (only its target once
    // OnWebSocketAccepted has returned, see KeepRequestHeaders).
    response.SwitchingProtocols('websocket');
    var webSocket: WebSocket = new socketPart.WebSocket(request, request.connection,
      this.MaxRecvMessageLength || microWebSrv2.MaxRequestContentLength,
      this.WaitFrameTimeoutSec,
      this.MaxSendQueueBytes || microWebSrv2.BufferSlotSize * SEND_QUEUE_SLOTS);
    if (this.OnWebSocketAccepted) {
      try {
        this.OnWebSocketAccepted(microWebSrv2, webSocket);
      } catch (e) {
        microWebSrv2.logException('OnWebSocketAccepted', e);
      }
    }
    if (!this.KeepRequestHeaders) webSocket.releaseRequest();
    // Nothing keeps the handshake once the WebSocket is open: with memory short, release it now
    // rather than after partSettings.idleMs (the next upgrade reads it again), as the compiler is.
    var roomToKeep = reserve + 2 * WS_HANDSHAKE_PART.variables;
    if (freeVariables(roomToKeep) < roomToKeep) forgetKept(WS_HANDSHAKE_PART.name);
  }
}

/** 503 for an upgrade whose part the free memory cannot hold, said in the log as the server's
 *  other refusals are (the free count tells how far off it was). */
function refuseForMemory(microWebSrv2: MicroWebSrv2, response: HttpResponse, part: string): void {
  microWebSrv2.Log('WebSocket refused: no memory to load ' + part + ' (' + freeVariables(Infinity) + ' variables free)', LogLevel.WARNING);
  response.SetHeader('Retry-After', 1);
  response.ReturnServiceUnavailable();
}
