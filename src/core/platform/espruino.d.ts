// The Espruino globals and built-in modules this server uses, as Espruino 2v29 provides them.
// Nothing else is in scope for src/ (tsconfig: lib es5, no @types), so a Node-only API used by
// mistake is a compile error, and the Node shim (shim/) implements exactly this surface.

/** Espruino's module loader: built-ins, `Modules.addCached` entries, then Storage files. */
declare function require(moduleName: 'net'): EspruinoNet;
declare function require(moduleName: 'tls'): EspruinoTls;
declare function require(moduleName: 'crypto'): EspruinoCrypto;
declare function require(moduleName: 'Storage'): EspruinoStorage;
declare function require(moduleName: 'fs'): EspruinoFs;
declare function require(moduleName: string): any;

declare function setTimeout(callback: () => void, ms: number): any;
declare function setInterval(callback: () => void, ms: number): any;
/** Note: Espruino throws on clearTimeout(undefined); always guard the id. */
declare function clearTimeout(id: any): void;
declare function clearInterval(id: any): void;

/** Base64 of a binary string (or of an ArrayBuffer on Espruino). */
declare function btoa(binary: any): string;
declare function atob(base64: string): string;

declare var console: { log(...args: any[]): void };

interface EspruinoMemory {
  free: number;
  usage: number;
  total: number;
  history?: number;
  gc?: number;
  gctime?: number;
  blocksize?: number;
}

declare var process: {
  version: string;
  env: { [key: string]: any };
  /** `process.memory(false)` skips the garbage collection pass Espruino runs by default. */
  memory(gc?: boolean): EspruinoMemory;
};

interface EspruinoFile {
  read(length: number): string | undefined;
  write(data: string): void;
  skip(bytes: number): void;
  seek(position: number): void;
  close(): void;
}

declare var E: {
  toString(...args: any[]): string;
  toUint8Array(...args: any[]): Uint8Array;
  getSizeOf(value: any, depth?: number): number;
  /** CRC-32 of a string or array (not on every build: check before use). */
  CRC32?: (data: any) => number;
  /** Address of a string's data; non-zero for memory-mapped flash (not on every build). */
  getAddressOf?: (value: any, flatOnly: boolean) => number;
  /** Files on an SD card / the host filesystem (builds with `fs`). */
  openFile?: (path: string, mode: 'r' | 'w' | 'a') => EspruinoFile;
  /** Marks a binary string of UTF-8 bytes as a Unicode string (builds with Unicode strings). */
  asUTF8?: (bytes: string) => string;
  /** True for a Unicode (UTF-8) string on builds that have them. */
  isUTF8?: (text: string) => boolean;
};

declare var Modules: {
  addCached(id: string, source: string | (() => void)): void;
  removeCached(id: string): void;
  getCached(): string[];
};

interface EspruinoSocket {
  /** Espruino returns false, always, and queues the data without limit. */
  write(data: string): boolean;
  /** Sends what is queued, then closes. */
  end(data?: string): void;
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'drain' | 'end', listener: () => void): void;
  on(event: 'close', listener: (hadError?: boolean) => void): void;
  on(event: 'error', listener: (err: { code: number; message: string }) => void): void;
  on(event: string, listener: (...args: any[]) => void): void;
  removeAllListeners(event?: string): void;
  /** Not on every Espruino network driver (absent on the Linux build). */
  remoteAddress?: string;
  remotePort?: number;
}

interface EspruinoServer {
  /** Espruino binds every interface and takes a port only. */
  listen(port: number): EspruinoServer;
  close(): void;
}

interface EspruinoNet {
  createServer(onConnection: (socket: EspruinoSocket) => void): EspruinoServer;
}

interface EspruinoTls {
  connect(options: any, callback?: (socket: EspruinoSocket) => void): EspruinoSocket;
  /** Absent on stock Espruino firmware: TLS there is client-only. The Node shim provides it. */
  createServer?: (options: { key: string; cert: string; ca?: string }, onConnection: (socket: EspruinoSocket) => void) => EspruinoServer;
}

interface EspruinoCrypto {
  /** Returns a 20-byte ArrayBuffer; `btoa` accepts it directly. */
  SHA1(message: string): ArrayBuffer;
}

interface EspruinoStorageFile {
  read(length: number): string | undefined;
  readLine(): string | undefined;
  getLength(): number;
  erase(): void;
}

interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): any;
  write(name: string, data: string, offset?: number, size?: number): boolean;
  erase(name: string): void;
  list(pattern?: any): string[];
  open(name: string, mode: 'r' | 'w' | 'a'): EspruinoStorageFile;
  getFree(): number;
}

interface EspruinoStat {
  size: number;
  dir: boolean;
  mtime: Date;
}

interface EspruinoFs {
  readFileSync(path: string): string | undefined;
  readFile(path: string): string | undefined;
  readdirSync(path?: string): string[] | undefined;
  statSync(path: string): EspruinoStat | undefined;
  writeFileSync(path: string, data: string): boolean;
  existsSync?: (path: string) => boolean;
  openSync?: (path: string, mode: string) => any;
}
