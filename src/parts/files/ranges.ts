// The Range header (RFC 9110 §14.2) for one representation of a known size. A single byte range is
// honoured; several ranges get the whole representation (a multipart/byteranges body is not worth
// its code on a board, and RFC 9110 lets a server ignore Range).

export interface ByteRange {
  /** First and last byte offsets, inclusive. */
  start: number;
  end: number;
  /** False: no byte of the range is in the representation (416). */
  satisfiable: boolean;
}

/** A non-negative integer written with digits only, or -1. */
function parseDigits(text: string): number {
  if (!text) return -1;
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return parseInt(text, 10);
}

/**
 * The range asked by `header` for `size` bytes, or null when the header is to be ignored (absent,
 * malformed, another unit, several ranges): the whole representation is then sent.
 * `a-b` and `a-` start at a; `-n` is the last n bytes; an end past the last byte is cut to it.
 */
export function parseRange(header: string, size: number): ByteRange | null {
  if (!header) return null;
  var equals = header.indexOf('=');
  if (equals < 0 || header.substring(0, equals).trim().toLowerCase() !== 'bytes') return null;
  var spec = header.substring(equals + 1).trim();
  if (spec.indexOf(',') >= 0) return null;
  var dash = spec.indexOf('-');
  if (dash < 0) return null;
  var first = spec.substring(0, dash).trim();
  var last = spec.substring(dash + 1).trim();
  var start: number;
  var end: number;
  if (first === '') {
    var suffix = parseDigits(last);
    if (suffix < 0) return null;
    if (suffix === 0 || size === 0) return { start: 0, end: -1, satisfiable: false };
    start = suffix >= size ? 0 : size - suffix;
    end = size - 1;
  } else {
    start = parseDigits(first);
    if (start < 0) return null;
    if (last === '') {
      end = size - 1;
    } else {
      end = parseDigits(last);
      if (end < start) return null;
      if (end > size - 1) end = size - 1;
    }
    if (start >= size) return { start: start, end: -1, satisfiable: false };
  }
  return { start: start, end: end, satisfiable: true };
}
