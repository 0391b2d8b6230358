// The MicroWebSrv2 class: configuration (the original's properties and presets), start and stop,
// accepting connections, logging, modules, and the files API (through the files part). What serves
// a request is the HTTP part's (src/parts/http/): the fall-backs after modules and routes (501,
// OPTIONS, 405, static files) are its dispatch.ts.

import { XAsyncSocketsPool } from './transport/XAsyncSocketsPool';
import { Connection, ConnectionHandler } from './transport/Connection';
import { httpPart } from './parts';
import type { HttpRequest } from '../parts/http/HttpRequest';
import type { FilesPart } from '../parts/files';
import type { HttpPart } from '../parts/http';
import { LogLevel, ServerContext } from './ServerContext';
import { internalErrorResponse, serviceUnavailableResponse } from './http/refusal';
import { FileBackend } from '../parts/files/FileBackend';
import { STORAGE_MAX_NAME_BYTES, STORAGE_SCHEME, addDefaultPage, addMimeType, isStoragePath } from './files/registry';
import { filesPart } from './parts';
import { FILES_PART, HTTP_PART, REQUEST_BUDGET } from '../manifest';
import { htmlEscape } from './text/html';
import { freeVariables } from './platform/memory';

export interface MicroWebSrv2Module {
  OnRequest?: (microWebSrv2: MicroWebSrv2, request: HttpRequest) => void;
}

/** Modules are global to every server instance, as in the original; kept in load order. */
var loadedModules: { name: string; instance: MicroWebSrv2Module }[] = [];

/** Built-in module bundles are stored under these names; user modules under their own. */
var BUILTIN_MODULE_PREFIX = 'MicroWebSrv2.';

function requireModule(name: string): any {
  try {
    var exported = require(name);
    if (exported !== undefined) return exported;
  } catch (e) {
    // Not found under this name; the caller tries the next one.
  }
  return undefined;
}

/** The files part, or an error saying memory is short (for the API calls that cannot answer 503). */
function requiredFilesPart(server: MicroWebSrv2 | null): FilesPart {
  var part = filesPart(server);
  if (part === null) throw new Error('Not enough free memory to load ' + FILES_PART.name);
  return part;
}

function checkPositiveInt(value: any, name: string): number {
  if (typeof value !== 'number' || value % 1 !== 0 || value <= 0) throw new Error(name + ' must be a positive integer');
  return value;
}

export class MicroWebSrv2 implements ServerContext {
  static DEBUG = LogLevel.DEBUG;
  static INFO = LogLevel.INFO;
  static WARNING = LogLevel.WARNING;
  static ERROR = LogLevel.ERROR;

  /** The pool serving the connections, null while stopped. Public, so its name stays as it is in
   *  the bundles: the memory tools read it (scripts/lib/mem-probe.js). */
  pool!: XAsyncSocketsPool | null;
  private managedPool!: boolean;
  private netServer!: EspruinoServer | null;
  private connectionCount!: number;
  private sslOptions!: { key: string; cert: string; ca?: string } | null;

  // The original's settings, as plain properties: on a board a getter and setter pair costs about
  // 13 variables, so they are checked together when the server starts (checkConfig) rather than
  // on each assignment. Changed while running, they apply to the next requests (BindAddress and
  // SSL at the next start).
  ConnQueueCapacity!: number;
  BufferSlotsCount!: number;
  /** Bytes per socket write and the longest request line accepted. */
  BufferSlotSize!: number;
  /** Kept for compatibility: Espruino allocates per use, there are no pre-allocated slots to keep. */
  KeepAllocBufferSlots!: boolean;
  MaxRequestContentLength!: number;
  /** `[ip, port]`. Espruino listens on every interface, so only the port is used there. */
  BindAddress: [string, number] = ['0.0.0.0', 80];
  /**
   * Where static files are read: a path on the `fs` filesystem (default `www`: the SD card on a
   * board, a folder on the shim), or `storage:<prefix>` for flash Storage, where the URL path
   * `/css/a.css` is the Storage name `<prefix>css/a.css` (docs/FILES.md).
   */
  RootPath!: string;
  RequestsTimeoutSec!: number;
  /** Time a route handler has to answer (it may answer later, from a timer or a callback). */
  HandlerTimeoutSec!: number;
  /**
   * Free variables the server leaves to the application: a new connection, or a request body, that
   * would leave fewer gets 503 instead of running the board out of memory (which aborts the program).
   */
  MemoryReserveVars!: number;

  NotFoundURL!: string | null;
  AllowAllOrigins!: boolean;
  CORSAllowAll!: boolean;
  OnLogging!: ((microWebSrv2: MicroWebSrv2, msg: string, msgType: number) => void) | null;
  /**
   * Files whose extension is not in the MIME table: false (the original's behaviour) answers 403;
   * true serves them as `application/octet-stream`.
   */
  ServeUnknownTypes!: boolean;

  // The Normal preset is the default, from the prototype (see the end of this file).

  // ---- Static methods ----

  /**
   * Loads a module once for every server and returns its instance. Built-in modules are the bundles
   * `MicroWebSrv2.WebSockets` and `MicroWebSrv2.PyhtmlTemplate` (upload the ones you use); any other
   * name is `require`d as is and must export a class of that name (or be that class).
   */
  static LoadModule(modName: string): any {
    if (typeof modName !== 'string' || !modName) throw new Error('LoadModule: modName must be a non-empty string');
    for (var i = 0; i < loadedModules.length; i++) {
      if (loadedModules[i].name === modName) return loadedModules[i].instance;
    }
    var exported = requireModule(BUILTIN_MODULE_PREFIX + modName);
    if (exported === undefined) exported = requireModule(modName);
    if (exported === undefined) {
      throw new Error('LoadModule: module "' + modName + '" not found (is its bundle uploaded or added with Modules.addCached?)');
    }
    var ModuleClass = typeof exported === 'function' ? exported : exported[modName];
    if (typeof ModuleClass !== 'function') throw new Error('LoadModule: "' + modName + '" does not export a class named ' + modName);
    var instance = new ModuleClass();
    loadedModules.push({ name: modName, instance: instance });
    return instance;
  }

  static HTMLEscape(s: string): string {
    if (typeof s !== 'string') throw new Error('HTMLEscape: s must be a string');
    return htmlEscape(s);
  }

  static AddDefaultPage(filename: string): void {
    addDefaultPage(filename);
  }

  static AddMimeType(ext: string, mimeType: string): void {
    addMimeType(ext, mimeType);
  }

  static GetMimeTypeFromFilename(filename: string): string | null {
    return requiredFilesPart(null).mimeTypeFromFilename(filename);
  }

  /**
   * Reads any physical path: an `fs` path or `storage:<name>` (RootPath, ReturnFile, modules). From
   * the files part, loaded on demand; throws when free memory cannot hold it.
   */
  get files(): FileBackend {
    return requiredFilesPart(this).files;
  }

  // ---- Configuration ----

  get IsRunning(): boolean { return this.netServer !== null; }

  get IsSSLEnabled(): boolean { return this.sslOptions !== null; }

  /** Connections served at once: half the buffer slots, as the original (a receive and a send slot each). */
  get MaxConnections(): number {
    var count = Math.floor(this.BufferSlotsCount / 2);
    return count > 0 ? count : 1;
  }

  /** Throws on the first setting that is not valid; run when the server starts. */
  private checkConfig(): void {
    var names = ['ConnQueueCapacity', 'BufferSlotsCount', 'BufferSlotSize', 'MaxRequestContentLength', 'RequestsTimeoutSec', 'HandlerTimeoutSec'];
    for (var i = 0; i < names.length; i++) checkPositiveInt((this as any)[names[i]], names[i]);
    var bind = this.BindAddress;
    if (!bind || typeof bind[0] !== 'string' || typeof bind[1] !== 'number' || bind[1] % 1 !== 0 || bind[1] < 0 || bind[1] > 65535) {
      throw new Error('BindAddress must be [ipAddress, port]');
    }
    var root = this.RootPath;
    if (typeof root !== 'string') throw new Error('RootPath must be a string');
    if (isStoragePath(root)) {
      var prefix = root.substring(STORAGE_SCHEME.length);
      // Without a prefix every Storage file (saved code, settings) would be reachable by URL.
      if (!prefix || prefix.length >= STORAGE_MAX_NAME_BYTES) {
        throw new Error('RootPath: "storage:" needs a prefix of 1 to ' + (STORAGE_MAX_NAME_BYTES - 1) + ' bytes, such as "storage:w/"');
      }
    }
  }

  private applyConfig(queue: number, slots: number, slotSize: number, maxContent: number): void {
    this.ConnQueueCapacity = queue;
    this.BufferSlotsCount = slots;
    this.BufferSlotSize = slotSize;
    this.KeepAllocBufferSlots = true;
    this.MaxRequestContentLength = maxContent;
  }

  SetEmbeddedConfig(): void { this.applyConfig(8, 16, 1024, 16 * 1024); }
  SetLightConfig(): void { this.applyConfig(64, 128, 1024, 512 * 1024); }
  SetNormalConfig(): void { this.applyConfig(256, 512, 4 * 1024, 2 * 1024 * 1024); }
  SetLargeConfig(): void { this.applyConfig(512, 2 * 1024, 16 * 1024, 8 * 1024 * 1024); }

  // ---- SSL ----

  /**
   * Serves HTTPS. Stock Espruino firmware has a TLS client only: there this throws, saying so; on
   * the Node shim, or a firmware that adds `tls.createServer`, it works. Files are read with `fs`.
   */
  EnableSSL(certFile: string, keyFile: string, caFile?: string | null): void {
    if (this.IsRunning) throw new Error('Cannot change SSL while the server is running');
    if (typeof certFile !== 'string' || !certFile || typeof keyFile !== 'string' || !keyFile) {
      throw new Error('EnableSSL: certFile and keyFile must be non-empty strings');
    }
    var tls: EspruinoTls | undefined = requireModule('tls');
    if (!tls || typeof tls.createServer !== 'function') {
      throw new Error('EnableSSL: this Espruino firmware has no TLS server (require("tls") is client-only), so HTTPS cannot be served');
    }
    var fs = require('fs');
    var cert = fs.readFileSync(certFile);
    var key = fs.readFileSync(keyFile);
    if (!cert || !key) throw new Error('EnableSSL: cannot read ' + (!cert ? certFile : keyFile));
    var options: { key: string; cert: string; ca?: string } = { key: key, cert: cert };
    if (caFile) {
      var ca = fs.readFileSync(caFile);
      if (!ca) throw new Error('EnableSSL: cannot read ' + caFile);
      options.ca = ca;
    }
    this.sslOptions = options;
    if (this.BindAddress[1] === 80) this.BindAddress = [this.BindAddress[0], 443];
  }

  DisableSSL(): void {
    if (this.IsRunning) throw new Error('Cannot change SSL while the server is running');
    this.sslOptions = null;
    if (this.BindAddress[1] === 443) this.BindAddress = [this.BindAddress[0], 80];
  }

  // ---- Start and stop ----

  /**
   * Starts in a pool of its own, released by Stop(). Espruino runs one JavaScript thread, so
   * `parllProcCount` and `procStackSize` are accepted for compatibility and have no effect.
   */
  StartManaged(parllProcCount?: number, procStackSize?: number): void {
    if (this.IsRunning) throw new Error('The server is already running');
    var pool = new XAsyncSocketsPool();
    this.managedPool = true;
    try {
      this.StartInPool(pool);
    } catch (e) {
      this.managedPool = false;
      throw e;
    }
  }

  /** Starts in an existing pool (several servers, e.g. HTTP and HTTPS, may share one). */
  StartInPool(pool: XAsyncSocketsPool): void {
    if (this.IsRunning) throw new Error('The server is already running');
    if (!pool || typeof pool.addConnection !== 'function') throw new Error('StartInPool: pool must be an XAsyncSocketsPool');
    this.checkConfig();
    var self = this;
    var onConnection = function (socket: EspruinoSocket) { self.accept(socket); };
    var server: EspruinoServer;
    if (this.sslOptions !== null) {
      server = (require('tls') as EspruinoTls).createServer!(this.sslOptions, onConnection);
    } else {
      server = require('net').createServer(onConnection);
    }
    server.listen(this.BindAddress[1]);
    this.pool = pool;
    this.netServer = server;
    this.Log('Server listening on ' + (this.sslOptions ? 'https' : 'http') + '://' + this.BindAddress[0] + ':' + this.BindAddress[1], LogLevel.INFO);
  }

  /** Stops listening and closes every connection; a managed pool is released. */
  Stop(): void {
    var server = this.netServer;
    var pool = this.pool;
    if (server === null || pool === null) return;
    this.netServer = null;
    this.pool = null;
    try {
      server.close();
    } catch (e) {
      this.logException('Closing the listening socket', e);
    }
    pool.closeConnectionsOf(this);
    if (this.managedPool) {
      pool.StopWaitEvents();
      this.managedPool = false;
    }
    this.Log('Server stopped', LogLevel.INFO);
  }

  private accept(socket: EspruinoSocket): void {
    var pool = this.pool;
    if (pool === null) {
      socket.end();
      return;
    }
    var full = this.connectionCount >= this.MaxConnections;
    if (full || freeVariables(this.MemoryReserveVars + REQUEST_BUDGET.connectionVariables) < this.MemoryReserveVars + REQUEST_BUDGET.connectionVariables) {
      // Over capacity: answer 503 at once rather than leaving the client waiting.
      socket.write(serviceUnavailableResponse());
      socket.end();
      this.Log('Connection refused: ' + (full ? this.connectionCount + ' connections open (MaxConnections)' :
        'free memory below MemoryReserveVars (' + freeVariables(Infinity) + ' variables free)'), LogLevel.WARNING);
      return;
    }
    this.connectionCount++;
    // No session yet: openHandler() makes one when the first byte arrives; until then the deadline
    // closes a connection that never sends anything.
    pool.addConnection(socket, this).setTimeout(this.RequestsTimeoutSec);
  }

  /** A connection of this server received data with no session: a request starts, with the HTTP
   *  part (loaded now if it is not); without the memory to load it, 503 and close. */
  openHandler(connection: Connection): ConnectionHandler | null {
    var part: HttpPart | null = null;
    var missing: unknown = null;
    try {
      part = httpPart(this);
    } catch (e) {
      missing = e;
    }
    if (part !== null) return new part.HttpSession(connection);
    if (missing !== null) {
      // Not in Storage (an upload that left it out): every request gets 500 until it is there.
      this.logException('Loading ' + HTTP_PART.name + ' (upload it with the core)', missing);
    } else {
      this.Log('Request refused: no memory to load ' + HTTP_PART.name + ' (' + freeVariables(Infinity) + ' variables free)', LogLevel.WARNING);
    }
    connection.send(missing !== null ? internalErrorResponse() : serviceUnavailableResponse());
    connection.end();
    return null;
  }

  /** Called by the pool when a connection of this server is gone. */
  onConnectionReleased(connection: Connection): void {
    // Back to the prototype's 0 when none is left: an idle server owns no count (2 variables).
    if (--this.connectionCount === 0) delete (this as any).connectionCount;
  }

  // ---- Logging ----

  /** Logs through OnLogging when set; else prints INFO and above as `MWS2-<TYPE>> message`. */
  Log(msg: any, msgType: number): void {
    var text = String(msg);
    if (this.OnLogging) {
      try {
        this.OnLogging(this, text, msgType);
      } catch (e) {
        console.log('MWS2-ERROR> OnLogging failed: ' + String((e && (e as any).message) || e));
      }
      return;
    }
    if (msgType === LogLevel.DEBUG) return;
    var type = msgType === LogLevel.INFO ? 'INFO' : msgType === LogLevel.WARNING ? 'WARNING' : msgType === LogLevel.ERROR ? 'ERROR' : 'LOG';
    console.log('MWS2-' + type + '> ' + text);
  }

  /** Espruino's engine errors have no `name`; log what there is. */
  logException(where: string, error: any): void {
    var message = error && error.message !== undefined ? error.message : error;
    this.Log(where + ' failed: ' + String(message), LogLevel.ERROR);
  }

  // ---- Files ----

  /** Physical path of a URL path under RootPath (default page for a directory), or null. */
  ResolvePhysicalPath(urlPath: string): string | null {
    if (typeof urlPath !== 'string' || !urlPath) throw new Error('ResolvePhysicalPath: urlPath must be a non-empty string');
    var part = requiredFilesPart(this);
    var file = part.resolveFile(part.files, this.RootPath, urlPath);
    return file === null ? null : file.path;
  }

  // ---- Used by the HTTP sessions ----

  /** Gives each module its OnRequest; true when one of them answered. */
  runModules(request: HttpRequest): boolean {
    // Held here: a module that takes the connection over (WebSockets) unlinks request.Response.
    var response = request.Response;
    for (var i = 0; i < loadedModules.length; i++) {
      var module = loadedModules[i].instance;
      if (typeof module.OnRequest !== 'function') continue;
      module.OnRequest(this, request);
      if (response.HeadersSent) return true;
    }
    return false;
  }
}

// Defaults on the prototype: a server owns only the settings that differ (on a board each own
// property costs variables for as long as the server runs).
var serverDefaults: any = MicroWebSrv2.prototype;
serverDefaults.pool = null;
serverDefaults.managedPool = false;
serverDefaults.netServer = null;
serverDefaults.connectionCount = 0;
serverDefaults.sslOptions = null;
// SetNormalConfig()'s values.
serverDefaults.ConnQueueCapacity = 256;
serverDefaults.BufferSlotsCount = 512;
serverDefaults.BufferSlotSize = 4 * 1024;
serverDefaults.KeepAllocBufferSlots = true;
serverDefaults.MaxRequestContentLength = 2 * 1024 * 1024;
serverDefaults.RootPath = 'www';
serverDefaults.RequestsTimeoutSec = 2;
serverDefaults.HandlerTimeoutSec = 30;
serverDefaults.MemoryReserveVars = 256;
serverDefaults.NotFoundURL = null;
serverDefaults.AllowAllOrigins = false;
serverDefaults.CORSAllowAll = false;
serverDefaults.OnLogging = null;
serverDefaults.ServeUnknownTypes = false;
