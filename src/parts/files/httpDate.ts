// HTTP dates as conditional requests send them (If-Modified-Since, If-Unmodified-Since, If-Range):
// only the files part reads them. Formatting them is the HTTP part's (its httpDate.ts).

import { findString } from '../../core/text/strings';

var MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/**
 * Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to milliseconds, or NaN. The obsolete
 * RFC 850 and asctime forms are not accepted: a failed parse only costs a cache validation.
 */
export function parseHttpDate(value: string): number {
  var parts = value.split(' ');
  if (parts.length !== 6 || parts[5] !== 'GMT') return NaN;
  var day = parseInt(parts[1], 10);
  var at = parts[2].length === 3 ? findString(MONTHS, parts[2]) : -1;
  var month = at % 3 === 0 ? at / 3 : -1;
  var year = parseInt(parts[3], 10);
  var hms = parts[4].split(':');
  if (month < 0 || hms.length !== 3 || isNaN(day) || isNaN(year)) return NaN;
  // Date.UTC is missing on Espruino: count days from the epoch instead.
  var days = daysFromCivil(year, month + 1, day);
  return ((days * 24 + parseInt(hms[0], 10)) * 60 + parseInt(hms[1], 10)) * 60000 + parseInt(hms[2], 10) * 1000;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  var era = Math.floor(y / 400);
  var yoe = y - era * 400;
  var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
