// Pure helpers for the WebSocket opening handshake (RFC 6455 §4.2): checking the upgrade request
// and computing Sec-WebSocket-Accept. Writing the 101 response is the caller's job.

import { toBinaryString } from '../../../core/text/binary';

var WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
var BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** base64 of the 16 random bytes a client must send: 22 characters, then '=='. */
var CLIENT_KEY_LENGTH = 24;

/** base64(SHA-1(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')). `sha1` defaults to Espruino's
 *  require('crypto').SHA1; it may return an ArrayBuffer or a binary string. */
export function acceptKey(clientKey: string, sha1?: (s: string) => any): string {
  var digest = sha1 ? sha1(clientKey + WEBSOCKET_GUID) : require('crypto').SHA1(clientKey + WEBSOCKET_GUID);
  // Espruino's btoa takes an ArrayBuffer, Node's does not: a binary string suits both.
  return btoa(toBinaryString(digest));
}

/** Result of checking an upgrade request's headers (lower-cased names, as the HTTP parser gives them). */
export interface HandshakeCheck { ok: boolean; status: number; reason: string; protocols: string[]; key: string }

/**
 * Checks an upgrade request. On success: ok, status 101, the client key and the subprotocols it
 * offers (in its order). On failure: the status to answer with (405 for a method other than GET,
 * 426 for a version other than 13 — the caller then adds `Sec-WebSocket-Version: 13` — and 400
 * for everything else) and a reason for the log or the response body.
 */
export function checkUpgradeRequest(method: string, headers: { [name: string]: string }): HandshakeCheck {
  var protocols = parseTokenList(headers['sec-websocket-protocol']);
  var key = trim(headers['sec-websocket-key']);
  if (method !== 'GET') return refuse(405, 'WebSocket upgrade needs a GET request', protocols, key);
  if (!hasToken(headers['connection'], 'upgrade')) {
    return refuse(400, 'Connection header lacks the "upgrade" token', protocols, key);
  }
  if (!hasToken(headers['upgrade'], 'websocket')) {
    return refuse(400, 'Upgrade header lacks the "websocket" token', protocols, key);
  }
  if (trim(headers['sec-websocket-version']) !== '13') {
    return refuse(426, 'Only WebSocket version 13 is supported', protocols, key);
  }
  if (!isWellFormedClientKey(key)) return refuse(400, 'Sec-WebSocket-Key is not base64 of 16 bytes', protocols, key);
  return { ok: true, status: 101, reason: 'Switching Protocols', protocols: protocols, key: key };
}

function refuse(status: number, reason: string, protocols: string[], key: string): HandshakeCheck {
  return { ok: false, status: status, reason: reason, protocols: protocols, key: key };
}

/** Comma-separated header token lists: hasToken('keep-alive, Upgrade', 'upgrade') === true; never substring matches
 *  ('Upgrade-Insecure' is not 'upgrade'). */
export function hasToken(headerValue: string | undefined, token: string): boolean {
  var tokens = parseTokenList(headerValue);
  var wanted = token.toLowerCase();
  for (var i = 0; i < tokens.length; i++) {
    if (tokens[i].toLowerCase() === wanted) return true;
  }
  return false;
}

/** Entries of a comma-separated header, trimmed, empty ones dropped (RFC 9110 §5.6.1 allows them). */
function parseTokenList(headerValue: string | undefined): string[] {
  var tokens: string[] = [];
  if (typeof headerValue !== 'string') return tokens;
  var parts = headerValue.split(',');
  for (var i = 0; i < parts.length; i++) {
    var part = parts[i].trim();
    if (part !== '') tokens.push(part);
  }
  return tokens;
}

function trim(value: string | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

function isWellFormedClientKey(key: string): boolean {
  if (key.length !== CLIENT_KEY_LENGTH || key.substring(CLIENT_KEY_LENGTH - 2) !== '==') return false;
  for (var i = 0; i < CLIENT_KEY_LENGTH - 2; i++) {
    if (BASE64_CHARS.indexOf(key.charAt(i)) < 0) return false;
  }
  return true;
}
