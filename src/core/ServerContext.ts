// The seam between the core and the code it loads on demand (its parts and the modules): what they
// read and call on the server that owns a connection. Types only: nothing here reaches a board.

import type { FileBackend } from '../parts/files/FileBackend';
import type { HttpRequest } from '../parts/http/HttpRequest';

/** MicroWebSrv2's log levels (the original's MicroWebSrv2.DEBUG... values), inlined where used. */
export const enum LogLevel {
  DEBUG = 0,
  INFO = 1,
  WARNING = 2,
  ERROR = 3,
}

/** What a part or a module may use of a MicroWebSrv2 (implemented by the MicroWebSrv2 class). */
export interface ServerContext {
  readonly BufferSlotSize: number;
  readonly MaxRequestContentLength: number;
  readonly RequestsTimeoutSec: number;
  readonly HandlerTimeoutSec: number;
  readonly MemoryReserveVars: number;
  readonly RootPath: string;
  readonly NotFoundURL: string | null;
  readonly AllowAllOrigins: boolean;
  readonly CORSAllowAll: boolean;
  readonly ServeUnknownTypes: boolean;
  readonly IsRunning: boolean;
  readonly IsSSLEnabled: boolean;
  /** Every physical path (`fs` and `storage:`), from the files part (loaded on demand). */
  readonly files: FileBackend;
  Log(msg: any, msgType: number): void;
  logException(where: string, error: any): void;
  ResolvePhysicalPath(urlPath: string): string | null;
  /** Gives each loaded module its OnRequest; true when one of them answered. */
  runModules(request: HttpRequest): boolean;
}
