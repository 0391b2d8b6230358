// The MicroWebSrv2.ws-handshake part: the opening handshake's checks (handshake.ts), a bundle of its
// own that the WebSockets module loads from Storage when an upgrade request arrives. Nothing needs it
// once the WebSocket is open: it is released when idle (src/core/platform/partLoader.ts). (Releasing it right
// after each upgrade when memory is short was tried: on a 4,095-variable board the next upgrade then
// could not load it again, and the fourth WebSocket was refused.)

export { acceptKey, checkUpgradeRequest, hasToken } from './handshake';

/** This part's exports, as its module loads them (loadPart). */
export type HandshakePart = typeof import('./index');
