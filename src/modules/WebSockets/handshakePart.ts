// The MicroWebSrv2.ws-handshake part: the opening handshake's checks (handshake.ts), a bundle of its
// own that the WebSockets module loads from Storage when an upgrade request arrives. Nothing needs it
// once the WebSocket is open: it is released when idle (src/platform/parts.ts), or right after the
// upgrade when memory is short.

export { acceptKey, checkUpgradeRequest, hasToken } from './handshake';
