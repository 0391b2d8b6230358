// Content-Disposition for ReturnFile(filename, attachmentName), in the files part.

import { utf8Encode } from '../../core/text/utf8';

/**
 * `attachment; filename="..."` with RFC 6266: an ASCII fallback in `filename` (quotes and
 * backslashes escaped, other bytes replaced) plus `filename*` in UTF-8 when the name is not ASCII.
 */
export function contentDisposition(name: string): string {
  var ascii = '';
  var plain = true;
  for (var i = 0; i < name.length; i++) {
    var c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      ascii += '_';
      plain = false;
    } else if (c === 0x22 || c === 0x5c) {
      ascii += '\\' + name.charAt(i);
    } else {
      ascii += name.charAt(i);
    }
  }
  var value = 'attachment; filename="' + ascii + '"';
  if (!plain) value += "; filename*=UTF-8''" + encodeRfc5987(name);
  return value;
}

function encodeRfc5987(text: string): string {
  var bytes = utf8Encode(text);
  var out = '';
  var hex = '0123456789ABCDEF';
  for (var i = 0; i < bytes.length; i++) {
    var c = bytes.charCodeAt(i);
    var keep = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      '!#$&+-.^_`|~'.indexOf(bytes.charAt(i)) >= 0;
    out += keep ? bytes.charAt(i) : '%' + hex.charAt(c >> 4) + hex.charAt(c & 15);
  }
  return out;
}
