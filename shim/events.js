'use strict';
// Espruino's event machinery: listeners live on the object itself as enumerable `#on<event>`
// properties (an array of functions, or a single function for a server's connection callback),
// and every emit is queued and run later from the idle loop, in FIFO order.
//
// Faithful details: a queued event keeps the listener array it saw when queued. `on()` replaces the
// array (so a listener added after an emit does not get it) while `removeListener()` edits it in
// place (so a listener removed before the queue runs is not called).

const LISTENER_PREFIX = '#on';

/**
 * @typedef {object} EventLoopOptions
 * @property {(error: any) => void} reportUncaught called with what a callback threw
 */

class EventLoop {
  /** @param {EventLoopOptions} options */
  constructor(options) {
    this.reportUncaught = options.reportUncaught;
    /** @type {{thisArg: any, listeners: any, args: any[]}[]} */
    this.queue = [];
    /** @type {Set<{idle(): boolean}>} things (sockets) that have work to do on each idle pass */
    this.idlers = new Set();
    this.scheduled = null;
    this.closed = false;
  }

  /** Queues `listeners` (a function or an array of them) to be called with `args`. */
  queueEvent(thisArg, listeners, args) {
    if (this.closed || !listeners) return;
    this.queue.push({ thisArg, listeners, args: args || [] });
    this.wake();
  }

  /** Queues the current listeners of `event` on `target`, if it has any (Espruino's jsiQueueObjectCallbacks). */
  queueObjectCallbacks(target, event, args) {
    this.queueEvent(target, target[LISTENER_PREFIX + event], args);
  }

  /** Calls a function now, reporting what it throws as Espruino reports an uncaught error. */
  callSafely(fn, thisArg, args) {
    try {
      fn.apply(thisArg, args);
    } catch (error) {
      this.reportUncaught(error);
    }
  }

  /** Calls `listeners` (a function or array) now, as Espruino's jsiExecuteEventCallback. */
  callListeners(thisArg, listeners, args) {
    if (typeof listeners === 'function') {
      this.callSafely(listeners, thisArg, args);
      return;
    }
    for (let i = 0; i < listeners.length; i++) {
      if (typeof listeners[i] === 'function') this.callSafely(listeners[i], thisArg, args);
    }
  }

  addIdler(idler) {
    this.idlers.add(idler);
    this.wake();
  }

  removeIdler(idler) {
    this.idlers.delete(idler);
  }

  /** Makes sure an idle pass runs soon (never synchronously). */
  wake() {
    if (this.scheduled || this.closed) return;
    this.scheduled = setImmediate(() => this.idlePass());
  }

  /** One pass of Espruino's idle loop: network work first, then every queued event. */
  idlePass() {
    this.scheduled = null;
    if (this.closed) return;
    let busy = false;
    for (const idler of Array.from(this.idlers)) {
      if (idler.idle()) busy = true;
    }
    while (this.queue.length && !this.closed) {
      const event = this.queue.shift();
      this.callListeners(event.thisArg, event.listeners, event.args);
    }
    if (busy) this.wake();
  }

  close() {
    this.closed = true;
    this.queue.length = 0;
    this.idlers.clear();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
  }
}

/**
 * The generic emitter methods Espruino puts on Object.prototype, bound to one loop.
 * @param {EventLoop} loop
 * @param {{Error: any, TypeError: any}} errors the context's error classes
 * @param {() => any[]} makeArray creates an array of the context
 */
function makeEmitterMethods(loop, errors, makeArray) {
  function checkTarget(target) {
    if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
      throw new errors.TypeError('Parent must be an object - not a String, Integer, etc');
    }
  }
  function checkEvent(event) {
    if (typeof event !== 'string') throw new errors.TypeError('First argument must be String');
  }

  function addListener(target, event, listener, first) {
    checkTarget(target);
    checkEvent(event);
    if (typeof listener !== 'function') {
      throw new errors.TypeError('Second argument must be a function or a String');
    }
    const key = LISTENER_PREFIX + event;
    const old = target[key];
    const fresh = makeArray();
    if (first) fresh.push(listener);
    if (typeof old === 'function') fresh.push(old);
    else if (old) for (let i = 0; i < old.length; i++) fresh.push(old[i]);
    if (!first) fresh.push(listener);
    target[key] = fresh;
    // Data that arrived before anyone listened is delivered now (sockets hold it until then).
    if (event === 'data') loop.wake();
  }

  return {
    on(event, listener) { addListener(this, event, listener, false); },
    addListener(event, listener) { addListener(this, event, listener, false); },
    prependListener(event, listener) { addListener(this, event, listener, true); },
    emit(event) {
      checkTarget(this);
      checkEvent(event);
      const args = [];
      for (let i = 1; i < arguments.length; i++) args.push(arguments[i]);
      if (args.length > 4) throw new errors.TypeError('Too many arguments (>4)');
      loop.queueObjectCallbacks(this, event, args);
    },
    removeListener(event, listener) {
      checkTarget(this);
      checkEvent(event);
      const listeners = this[LISTENER_PREFIX + event];
      if (!listeners || typeof listeners === 'function') return;
      const index = listeners.indexOf(listener);
      if (index >= 0) listeners.splice(index, 1);
    },
    removeAllListeners(event) {
      checkTarget(this);
      if (event === undefined) {
        for (const key of Object.keys(this)) if (key.indexOf(LISTENER_PREFIX) === 0) delete this[key];
        return;
      }
      checkEvent(event);
      delete this[LISTENER_PREFIX + event];
    },
  };
}

/** True when `target` has at least one listener for `event`. */
function hasListeners(target, event) {
  const listeners = target[LISTENER_PREFIX + event];
  return typeof listeners === 'function' || (!!listeners && listeners.length > 0);
}

module.exports = { EventLoop, makeEmitterMethods, hasListeners, LISTENER_PREFIX };
