// CRC-32 (the zlib/PNG one, as E.CRC32 computes it) of data read in slices. E.CRC32 has no way to
// continue from an earlier result, but a CRC register can be steered: four chosen bytes bring a fresh
// register to any state. So the CRC of `previous + piece` is E.CRC32(steer(crc of previous) + piece),
// and a file's CRC is computed slice by slice with the same value as over the whole file at once.

var CRC32_POLYNOMIAL = 0xedb88320;

/** The four bytes after which a fresh CRC-32 register holds what it holds after data whose CRC is `crc`. */
export function crc32Prefix(crc: number): string {
  // Run 32 register steps backwards from the wanted state; the register then starts as ~0 ^ prefix.
  var register = ~crc;
  for (var i = 0; i < 32; i++) {
    register = register & 0x80000000 ? ((register ^ CRC32_POLYNOMIAL) << 1) | 1 : register << 1;
  }
  var word = ~register;
  return String.fromCharCode(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff);
}

/** CRC-32 of `previous + piece` from the CRC of `previous` (0 for nothing), as an unsigned number. */
export function crc32Continue(crc: number, piece: string): number {
  var espruino: any = E;
  var result = crc === 0 ? espruino.CRC32(piece) : espruino.CRC32(crc32Prefix(crc) + piece);
  return result >>> 0;
}
