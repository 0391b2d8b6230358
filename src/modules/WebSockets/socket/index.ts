// The MicroWebSrv2.ws-socket part: the WebSocket itself (WebSocket.ts, with its frame reader and
// writer), a bundle of its own that the WebSockets module loads from Storage when it accepts an
// upgrade. Every open WebSocket holds it (see holdPart in src/core/platform/partLoader.ts); once the last one
// has closed and it has been unused for partSettings.idleMs it is released, so a server with no
// WebSocket open carries only the module's small OnRequest.

export { WebSocket } from './WebSocket';

/** This part's exports, as its module loads them (loadPart). */
export type SocketPart = typeof import('./index');
