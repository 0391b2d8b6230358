// WebSocket close status codes (RFC 6455 §7.4) and the rule for which of them may travel in a
// Close frame. Some codes exist only to report a condition locally (1005, 1006, 1015): a peer that
// sends one on the wire is broken, and the reader answers it with a protocol error.

export var NORMAL = 1000;
export var GOING_AWAY = 1001;
export var PROTOCOL_ERROR = 1002;
export var UNSUPPORTED_DATA = 1003;
/** Local only: the Close frame carried no code. */
export var NO_STATUS = 1005;
/** Local only: the connection dropped without a Close frame. */
export var ABNORMAL = 1006;
export var INVALID_PAYLOAD = 1007;
export var POLICY_VIOLATION = 1008;
export var MESSAGE_TOO_BIG = 1009;
export var INTERNAL_ERROR = 1011;

/**
 * True when a peer may send this code in a Close frame: the codes RFC 6455 defines for the wire
 * (1000-1003, 1007-1011), the ones IANA registered later (1012-1014: service restart, try again
 * later, bad gateway), and the ranges left to libraries and applications (3000-4999).
 */
export function isValidWireCloseCode(code: number): boolean {
  if (typeof code !== 'number' || code !== Math.floor(code)) return false;
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}
