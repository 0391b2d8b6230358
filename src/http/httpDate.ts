// HTTP dates (RFC 9110 §5.6.7, IMF-fixdate). Built by hand: Espruino's toUTCString() does not pad
// the day ("Thu, 1 Jan 1970"), which is not a valid HTTP date.

import { findString } from '../text/strings';

// Three letters each, in one string: an array of 19 short strings costs a board about 40 variables.
var DAYS = 'SunMonTueWedThuFriSat';
var MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** A board without network time starts in 1970; before this moment the clock is taken as unset. */
var CLOCK_SET_AFTER_MS = 1577836800000; // 2020-01-01

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
export function formatHttpDate(ms: number): string {
  var d = new Date(ms);
  // Two digits each (the 1 in front is cut off): one function less on a board than a pad helper.
  var time = String(1e6 + d.getUTCHours() * 1e4 + d.getUTCMinutes() * 100 + d.getUTCSeconds());
  var day = d.getUTCDay() * 3;
  var month = d.getUTCMonth() * 3;
  return DAYS.substring(day, day + 3) + ', ' + String(100 + d.getUTCDate()).substring(1) + ' ' + MONTHS.substring(month, month + 3) + ' ' +
    d.getUTCFullYear() + ' ' + time.substring(1, 3) + ':' + time.substring(3, 5) + ':' + time.substring(5) + ' GMT';
}

/** RFC 9110 §6.6.1: send Date only with a clock worth trusting. */
export function currentHttpDate(): string | null {
  var now = Date.now();
  return now > CLOCK_SET_AFTER_MS ? formatHttpDate(now) : null;
}

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
