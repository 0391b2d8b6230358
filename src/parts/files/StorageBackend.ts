// Files in flash Storage (`require('Storage')`): flat names of at most 28 bytes, no directories, no
// dates. Bodies are read with Storage.read(name, offset, length) one slice at a time: on a board each
// slice is a view of memory-mapped flash, so a file is never copied into RAM as a whole.
//
// Sizes and entity tags. Storage has no call that gives a file's size. Where Storage.read returns
// memory-mapped flash (real boards), reading the whole file costs one variable, so its length and its
// E.CRC32 are cheap. Where it copies (the Linux build fakes flash with a file; some SPI flash boards;
// the Node shim), the size is found by probing 1-byte reads and the CRC is computed slice by slice
// (crc32.ts): same values, bounded memory. Both are kept per name in `known`, as "<size hex>" or
// "<size hex>[ <flash address hex>]=<crc hex>", so the work is done once per file; a cached size is
// checked with two 1-byte reads before each use, so a file rewritten with another size is measured
// again. Without mapped reads, a rewrite with the same size keeps its old tag until a restart.

import { ByteSource } from '../../core/transport/Connection';
import { FileBackend, FileInfo } from './FileBackend';
import { crc32Continue } from './crc32';
import { STORAGE_MAX_NAME_BYTES, storageFacts } from '../../core/files/registry';

export { STORAGE_MAX_NAME_BYTES };

/** Bytes per Storage.read while measuring or hashing a file that cannot be read as a whole. */
var PROBE_SLICE = 1024;

/** Storage name -> "<size hex>" or "<size hex>[ <flash address hex>]=<crc hex>"; held by the core. */
var known = storageFacts;

/** 1: Storage.read returns memory-mapped flash; 0: it copies; -1: not probed yet. */
var mappedReads = -1;

function storage(): EspruinoStorage {
  return require('Storage');
}

function readsAreMapped(sample: string): boolean {
  if (mappedReads < 0) {
    var espruino: any = E;
    // A 1-byte copy is never a flat string, so only a view of flash has a data address.
    mappedReads = typeof espruino.getAddressOf === 'function' && espruino.getAddressOf(sample, true) ? 1 : 0;
  }
  return mappedReads === 1;
}

/** Smallest offset at which Storage.read gives nothing: the size of a file at least 1 byte long. */
function probeSize(name: string): number {
  var flash = storage();
  var low = 0;
  var high = PROBE_SLICE;
  while (flash.read(name, high, 1)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    var middle = Math.floor((low + high) / 2);
    if (flash.read(name, middle, 1)) low = middle;
    else high = middle;
  }
  return high;
}

/** Size of a Storage file, or -1 when there is none. */
function storageSize(name: string): number {
  var flash = storage();
  var entry = known[name];
  if (entry !== undefined && mappedReads === 0) {
    var cached = parseInt(entry, 16);
    if (flash.read(name, cached - 1, 1) && flash.read(name, cached, 1) === '') return cached;
    delete known[name];
  }
  var first = flash.read(name, 0, 1);
  if (first === undefined) return -1;
  if (readsAreMapped(first)) return (flash.read(name) as string).length;
  var size = probeSize(name);
  known[name] = size.toString(16);
  return size;
}

/** Reads a Storage file from `offset` to `end`, one slice per call. */
class StorageSource implements ByteSource {
  constructor(private name: string, private offset: number, private end: number) {}

  read(maxBytes: number): string | undefined {
    var count = this.end - this.offset;
    if (count <= 0) return undefined;
    // A length of 0 would make Storage.read return the whole file.
    var wanted = maxBytes < count ? maxBytes : count;
    var piece = storage().read(this.name, this.offset, wanted > 0 ? wanted : 1);
    if (!piece) return undefined;
    this.offset += piece.length;
    return piece;
  }
}

/** The Storage name for a name that can exist: not empty, no NUL, at most 28 bytes. */
export function isValidStorageName(name: string): boolean {
  return name.length > 0 && name.length <= STORAGE_MAX_NAME_BYTES && name.indexOf('\0') < 0;
}

/**
 * The Storage name of a file's URL path under a `storage:` RootPath: the prefix, then the path
 * without its leading `/` (`w/` + `/css/style.css` -> `w/css/style.css`); null when no file can have
 * that name (longer than 28 bytes, a directory URL, an unsafe path). scripts/lib/storage-names.js is
 * the same mapping for the upload tooling.
 */
export function storageNameFor(prefix: string, urlPath: string): string | null {
  if (urlPath.charAt(0) !== '/' || urlPath.charAt(urlPath.length - 1) === '/' || urlPath.indexOf('\\') >= 0) return null;
  var segments = urlPath.split('/');
  for (var i = 0; i < segments.length; i++) {
    if (segments[i] === '..' || segments[i] === '.') return null;
  }
  var name = prefix + urlPath.substring(1);
  return isValidStorageName(name) ? name : null;
}

export class StorageBackend implements FileBackend {
  stat(name: string): FileInfo | null {
    if (!isValidStorageName(name)) return null;
    var size = storageSize(name);
    return size < 0 ? null : { size: size, dir: false, mtime: 0 };
  }

  open(name: string, offset?: number, length?: number): ByteSource | null {
    if (!isValidStorageName(name)) return null;
    var start = offset || 0;
    return new StorageSource(name, start, length === undefined ? Infinity : start + length);
  }

  /**
   * Strong: `"<size hex>-<CRC-32 hex>"` of the content, computed once per name and size (and, where
   * reads are memory-mapped, per flash address: rewriting a file moves it, so the tag follows).
   */
  etag(name: string, info: FileInfo): string | null {
    var espruino: any = E;
    if (typeof espruino.CRC32 !== 'function') return null;
    var flash = storage();
    var sizeHex = info.size.toString(16);
    var key = mappedReads === 1 ? sizeHex + ' ' + espruino.getAddressOf(flash.read(name, 0, 1), true).toString(16) : sizeHex;
    var entry = known[name];
    var equals = entry === undefined ? -1 : entry.indexOf('=');
    var crcHex: string;
    if (equals > 0 && (entry as string).substring(0, equals) === key) {
      crcHex = (entry as string).substring(equals + 1);
    } else {
      var crc = 0;
      if (mappedReads === 1) {
        crc = espruino.CRC32(flash.read(name)) >>> 0;
      } else {
        for (var offset = 0; offset < info.size; offset += PROBE_SLICE) {
          var piece = flash.read(name, offset, PROBE_SLICE);
          if (!piece) break;
          crc = crc32Continue(crc, piece);
        }
      }
      crcHex = crc.toString(16);
      known[name] = key + '=' + crcHex;
    }
    return '"' + sizeHex + '-' + crcHex + '"';
  }
}
