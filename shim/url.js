'use strict';
// Espruino's global `url.parse(s, parseQuery)`, ported from libs/network/jswrap_net.c so its quirks
// match the board: `search` and the query keep any '#fragment', `host` keeps 'user:pass@',
// repeated query keys keep the first value, '+' is not turned into a space, and a '%' escape is
// decoded from any two base-36 digits without validation.

function digitValue(code) {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  return -1;
}

function parseQuery(query) {
  /** @type {Record<string, string>} */
  const result = {};
  let key = '';
  let value = '';
  let hadEquals = false;
  function flush() {
    if (key === '' && value === '') return;
    if (!Object.prototype.hasOwnProperty.call(result, key)) result[key] = value;
    key = '';
    value = '';
    hadEquals = false;
  }
  for (let i = 0; i < query.length; i++) {
    let ch = query[i];
    if (ch === '&') { flush(); continue; }
    if (!hadEquals && ch === '=') { hadEquals = true; continue; }
    if (ch === '%') {
      const high = i + 1 < query.length ? digitValue(query.charCodeAt(i + 1)) : -1;
      const low = i + 2 < query.length ? digitValue(query.charCodeAt(i + 2)) : -1;
      i += 2;
      ch = String.fromCharCode(high < 0 || low < 0 ? 0xff : ((high << 4) | low) & 0xff);
    }
    if (hadEquals) value += ch;
    else key += ch;
  }
  flush();
  return result;
}

/**
 * @param {string} url
 * @param {boolean} [wantQueryObject]
 * @returns {object|undefined} a plain Node object (the caller adopts it into the context)
 */
function parseUrl(url, wantQueryObject) {
  if (typeof url !== 'string') return undefined;
  let slashes = 0;
  let colons = 0;
  let addrStart = -1;
  let portStart = -1;
  let pathStart = -1;
  let searchStart = -1;
  let portNumber = 0;
  for (let i = 0; i < url.length; i++) {
    const ch = url[i];
    if (ch === '/') {
      slashes++;
      if (pathStart < 0) pathStart = i;
      if (colons === 1 && slashes === 2 && addrStart < 0) {
        addrStart = i;
        pathStart = -1;
        searchStart = -1;
      }
    }
    if (ch === ':') {
      colons++;
      if (addrStart >= 0 && pathStart < 0) portStart = i;
    }
    if (portStart >= 0 && i > portStart && pathStart < 0 && ch >= '0' && ch <= '9') {
      portNumber = portNumber * 10 + (ch.charCodeAt(0) - 0x30);
    }
    if (ch === '?' && pathStart >= 0) searchStart = i;
  }
  if (pathStart < 0) pathStart = url.length;
  const addrEnd = portStart >= 0 ? portStart : pathStart;

  const result = {};
  if (addrStart > 0) result.protocol = url.substring(0, addrStart - 1);
  result.method = 'GET';
  result.host = url.substring(addrStart + 1, addrEnd);
  result.path = url.substring(pathStart) || '/';
  result.pathname = (searchStart >= 0 ? url.substring(pathStart, searchStart) : url.substring(pathStart)) || '/';
  result.search = searchStart >= 0 ? url.substring(searchStart) : null;
  result.port = portNumber <= 0 || portNumber > 65535 ? null : portNumber;
  const query = searchStart >= 0 ? url.substring(searchStart + 1) : null;
  result.query = wantQueryObject && query !== null ? parseQuery(query) : query;
  return result;
}

module.exports = { parseUrl };
