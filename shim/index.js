'use strict';
// The Node shim: an Espruino 2v29 interpreter's APIs on Node, so the same ES5 bundles that run on a
// board run here (npm start, tests). Code runs in a node:vm context that offers only Espruino's
// globals; see the files beside this one for each piece and the board behaviour it copies.
//
// Known differences from the board (the shim cannot or does not imitate them):
// - V8 hoists `var` and function declarations; Espruino does not. `Array.prototype.slice` and other
//   methods reached through `X.prototype` work here but are undefined on Espruino. Function.name
//   exists here. Errors keep V8 messages. Strings are not limited to one byte per char.
// - Non-configurable constants stay (Number.MAX_SAFE_INTEGER, Number.EPSILON).
// - Memory is an estimate (process.memory); there is no OUT OF MEMORY.
// - remoteAddress/remotePort exist on sockets (the Linux build has neither), and tls.createServer
//   exists (stock firmware has no TLS server). There is no net.connect/tls.connect/http/dgram.
// - Storage.list() returns names sorted (flash returns them in write order).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { createRealm, define } = require('./realm');
const { EventLoop, makeEmitterMethods } = require('./events');
const { createTimers } = require('./timers');
const { createStorage } = require('./storage');
const { createFileSystem } = require('./fs');
const { createNetworking } = require('./net');
const { createModules, withoutStrictMode } = require('./modules');
const { createBuiltIns } = require('./builtins');

/** Total vars of an ESP32 build (process.memory().total). */
const DEFAULT_VARIABLES = 16383;
const DEFAULT_HOST = '127.0.0.1';

/**
 * @typedef {object} EspruinoContextOptions
 * @property {string} [storageDir] directory backing require('Storage'); created if missing. Default: a fresh temp dir.
 * @property {number} [storageSize] bytes of flash Storage offers (default 1 MB)
 * @property {number} [storageFileChunkSize] bytes per StorageFile chunk (default 4064, as ESP32)
 * @property {string} [fsRoot] directory require('fs') paths are relative to (default process.cwd())
 * @property {number} [variables] total vars reported by process.memory() (default 16383)
 * @property {string} [host] address net servers bind to (default '127.0.0.1')
 * @property {(line: string) => void} [log] receives console.log/print lines (default: process.stdout)
 */

/**
 * @typedef {object} EspruinoContext
 * @property {(code: string, filename?: string) => any} run runs code like an upload to the board; returns its value (throws what it throws)
 * @property {(name: string, source: string) => void} addModule Modules.addCached from outside
 * @property {(name: string) => any} require require() from outside
 * @property {any} global the context's global object
 * @property {any[]} uncaught errors thrown by callbacks (each was also logged as "Uncaught ...")
 * @property {{largestWrite: number, writes: number, socketsOpen: number, serversOpen: number}} stats
 * @property {(free: number|null) => void} setFreeVars forces process.memory().free (null: back to the estimate)
 * @property {(server: any) => Promise<number>} listening resolves with the port a server bound (shim-only helper)
 * @property {() => Promise<void>} close closes every server, socket and timer of the context; idempotent
 */

/**
 * Creates an Espruino-like context.
 * @param {EspruinoContextOptions} [options]
 * @returns {EspruinoContext}
 * @example
 *   const ctx = createEspruinoContext({ log: (line) => lines.push(line) });
 *   ctx.run("require('net').createServer(function (s) { s.end('hi'); }).listen(8080);");
 *   // ...
 *   await ctx.close();
 */
function createEspruinoContext(options) {
  const settings = options || {};
  const storageDir = settings.storageDir || fs.mkdtempSync(path.join(os.tmpdir(), 'espruino-storage-'));
  const fsRoot = path.resolve(settings.fsRoot || process.cwd());
  const variables = settings.variables || DEFAULT_VARIABLES;
  const log = settings.log || ((line) => process.stdout.write(line + '\n'));

  const realm = createRealm();
  const { global, intrinsics } = realm;
  const uncaught = [];
  const stats = { largestWrite: 0, writes: 0, socketsOpen: 0, serversOpen: 0 };
  let forcedFree = null;
  let closing = null;

  /** Espruino prints "Uncaught <error>" and carries on, unless process.on('uncaughtException') handles it. */
  function reportUncaught(error) {
    const handlers = global.process && global.process['#onuncaughtException'];
    const list = typeof handlers === 'function' ? [handlers] : handlers || [];
    if (list.length) {
      try {
        for (let i = 0; i < list.length; i++) list[i].call(global.process, error);
        return;
      } catch (handlerError) {
        error = handlerError;
      }
    }
    uncaught.push(error);
    log('Uncaught ' + describe(error));
  }

  const loop = new EventLoop({ reportUncaught });
  const emitter = makeEmitterMethods(loop, intrinsics, realm.makeArray);
  for (const name of Object.keys(emitter)) define(intrinsics.Object.prototype, name, emitter[name]);

  const timers = createTimers({
    loop,
    errors: intrinsics,
    evaluate: (code) => vm.runInContext(withoutStrictMode(code), realm.context),
  });
  const storage = createStorage({
    storageDir, realm, storageSize: settings.storageSize, storageFileChunkSize: settings.storageFileChunkSize,
  });
  const fileSystem = createFileSystem({ fsRoot, realm });
  const networking = createNetworking({
    realm, loop, host: settings.host || DEFAULT_HOST, stats, reportUncaught, log,
  });

  let modules = null;
  const builtIns = createBuiltIns({
    realm,
    log,
    variables,
    forcedFree: () => forcedFree,
    openFile: fileSystem.openFile,
    usage: () => ({
      sockets: networking.socketCount(),
      servers: networking.serverCount(),
      timers: timers.count(),
      modules: modules ? modules.count() : 0,
      bufferedBytes: networking.bufferedBytes(),
    }),
  });

  const builtInModules = memoize({
    net: () => networking.net,
    tls: () => networking.tls,
    crypto: builtIns.crypto,
    Storage: () => storage,
    fs: () => fileSystem.module,
  });
  modules = createModules({ realm, builtIns: builtInModules, readStorage: (name) => storage.read(name) });

  const globals = Object.assign({}, timers.globals, builtIns.globals, {
    require: modules.require,
    Modules: modules.Modules,
    E: builtIns.E,
    process: builtIns.process,
    console: builtIns.console,
    url: builtIns.url,
    Socket: networking.Socket,
    Server: networking.Server,
  });
  for (const name of Object.keys(globals)) define(global, name, globals[name]);

  const stopWatchingRejections = watchUnhandledRejections(intrinsics.Promise, reportUncaught);

  return {
    run(code, filename) {
      return vm.runInContext(withoutStrictMode(String(code)), realm.context, { filename: filename || 'upload.js' });
    },
    addModule(name, source) {
      modules.addCached(name, source);
    },
    require(name) {
      return modules.require(name);
    },
    global,
    uncaught,
    stats,
    setFreeVars(free) {
      forcedFree = free === null || free === undefined ? null : Number(free);
    },
    listening(server) {
      return networking.listening(server);
    },
    close() {
      if (!closing) {
        stopWatchingRejections();
        timers.clearAll();
        loop.close();
        closing = networking.shutdown();
      }
      return closing;
    },
  };
}

/** Promise classes of live contexts, each with the reporter of its context. */
const rejectionReporters = new Map();
const reportedRejections = new WeakSet();

/**
 * Node treats an unhandled rejection as fatal; Espruino prints "Uncaught ..." and carries on. While
 * a context is open, rejections of its own promises are reported like any uncaught callback error.
 * Rejections of other promises keep Node's default (they are rethrown) unless someone else listens.
 */
function onUnhandledRejection(reason, promise) {
  // Some runners (mocha) re-emit the event: report each rejection once.
  if (reportedRejections.has(promise)) return;
  for (const [PromiseClass, report] of rejectionReporters) {
    if (promise instanceof PromiseClass) {
      reportedRejections.add(promise);
      report(reason);
      return;
    }
  }
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

function watchUnhandledRejections(PromiseClass, report) {
  if (rejectionReporters.size === 0) process.on('unhandledRejection', onUnhandledRejection);
  rejectionReporters.set(PromiseClass, report);
  return function stopWatching() {
    rejectionReporters.delete(PromiseClass);
    if (rejectionReporters.size === 0) process.removeListener('unhandledRejection', onUnhandledRejection);
  };
}

function memoize(factories) {
  const made = {};
  const out = {};
  for (const name of Object.keys(factories)) {
    out[name] = () => {
      if (!(name in made)) made[name] = factories[name]();
      return made[name];
    };
  }
  return out;
}

/** How Espruino prints a thrown value after "Uncaught ". */
function describe(error) {
  try {
    return String(error);
  } catch (conversionError) {
    return Object.prototype.toString.call(error);
  }
}

module.exports = { createEspruinoContext };
