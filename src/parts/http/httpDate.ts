// HTTP dates (RFC 9110 §5.6.7, IMF-fixdate). Built by hand: Espruino's toUTCString() does not pad
// the day ("Thu, 1 Jan 1970"), which is not a valid HTTP date. Parsing them is the files part's
// (conditional requests, src/parts/files/httpDate.ts).


// Three letters each, in one string: an array of 19 short strings costs a board about 40 variables.
var DAYS = 'SunMonTueWedThuFriSat';
var MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** A board without network time starts in 1970; before this moment the clock is taken as unset. */
var CLOCK_SET_AFTER_MS = 1577836800000; // 2020-01-01

/**
 * `Sun, 06 Nov 1994 08:49:37 GMT`. Counted from the epoch, not read with Date's getters: the 2v29
 * release has no getUTC* (they came after it), and its local getters follow E.setTimeZone().
 */
export function formatHttpDate(ms: number): string {
  var days = Math.floor(ms / 86400000);
  var ymd = civilFromDays(days);
  var seconds = Math.floor(ms / 1000) - days * 86400;
  // Two digits each (the 1 in front is cut off): one function less on a board than a pad helper.
  var time = String(1e6 + Math.floor(seconds / 3600) * 1e4 + Math.floor(seconds / 60) % 60 * 100 + seconds % 60);
  var weekday = (days % 7 + 11) % 7 * 3; // 1970-01-01 was a Thursday (4); % keeps the sign of days
  var month = (Math.floor(ymd / 100) % 100 - 1) * 3;
  return DAYS.substring(weekday, weekday + 3) + ', ' + String(100 + ymd % 100).substring(1) + ' ' +
    MONTHS.substring(month, month + 3) + ' ' + Math.floor(ymd / 10000) + ' ' +
    time.substring(1, 3) + ':' + time.substring(3, 5) + ':' + time.substring(5) + ' GMT';
}

/** RFC 9110 §6.6.1: send Date only with a clock worth trusting. */
export function currentHttpDate(): string | null {
  var now = Date.now();
  return now > CLOCK_SET_AFTER_MS ? formatHttpDate(now) : null;
}

/** The proleptic Gregorian date of a day since 1970-01-01, as yyyymmdd (Howard Hinnant's algorithm). */
function civilFromDays(days: number): number {
  var z = days + 719468;
  var era = Math.floor(z / 146097);
  var doe = z - era * 146097;
  var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  var mp = Math.floor((5 * doy + 2) / 153);
  var month = mp < 10 ? mp + 3 : mp - 9;
  var year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10000 + month * 100 + doy - Math.floor((153 * mp + 2) / 5) + 1;
}
