// Defaults shared by the WebSockets module and its WebSocket part (two bundles: each gets its own
// copy of these constants, from this one source).

/** Seconds without a frame before an idle peer is pinged (the original's WaitFrameTimeoutSec default). */
export var DEFAULT_WAIT_FRAME_TIMEOUT_SEC = 300;
