// What file serving keeps for the server's lifetime: the application's additions (AddMimeType,
// AddDefaultPage), what is known of Storage files (sizes, CRC-32 entity tags) and the names the
// configuration checks. Kept in the core: the code that serves files is a part loaded on demand
// (src/core/platform/partLoader.ts) and released when idle, and all this must outlive it.

/** Physical paths starting with this name a Storage file: `storage:w/index.html`. */
export var STORAGE_SCHEME = 'storage:';

/** Longest Storage name on Espruino 2v29 boards; longer names are cut by the firmware, so they are refused. */
export var STORAGE_MAX_NAME_BYTES = 28;

export function isStoragePath(path: string): boolean {
  return path.substring(0, STORAGE_SCHEME.length) === STORAGE_SCHEME;
}

/** Storage name -> "<size hex>" or "<size hex>[ <flash address hex>]=<crc hex>" (StorageBackend.ts). */
export var storageFacts: { [name: string]: string } = {};

/** Extensions (lower case, with the dot) -> MIME type, added with AddMimeType; looked up first. */
export var addedMimeTypes: { [ext: string]: string } = {};

/** Default pages added with AddDefaultPage, searched after the built-in ones. */
export var addedDefaultPages: string[] = [];

export function addMimeType(ext: string, mimeType: string): void {
  if (typeof ext !== 'string' || ext.length < 2 || ext.charAt(0) !== '.') {
    throw new Error('AddMimeType: ext must be a non-empty string starting with "."');
  }
  if (typeof mimeType !== 'string' || !mimeType) throw new Error('AddMimeType: mimeType must be a non-empty string');
  addedMimeTypes[ext.toLowerCase()] = mimeType;
}

export function addDefaultPage(filename: string): void {
  if (typeof filename !== 'string' || !filename || filename.indexOf('/') >= 0) {
    throw new Error('AddDefaultPage: filename must be a non-empty file name');
  }
  if (addedDefaultPages.indexOf(filename) < 0) addedDefaultPages.push(filename);
}
