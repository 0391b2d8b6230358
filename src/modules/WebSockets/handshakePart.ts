// The MicroWebSrv2.ws-handshake part: the opening handshake's checks (handshake.ts), a bundle of its
// own that the WebSockets module loads from Storage when an upgrade request arrives and that is
// released when idle (src/platform/parts.ts): an open WebSocket never needs it again.

export { acceptKey, checkUpgradeRequest, hasToken } from './handshake';
