'use strict';
// Espruino's timers on top of Node's. Faithful details:
// - ids are numbers allocated as Espruino does (one more than the highest live id, 1 when none are
//   live), so ids get reused: clearing a stale id can cancel a newer timer, as on the board;
// - clearTimeout()/clearInterval() with no argument clear every timer, with `undefined` they throw;
// - unknown ids are ignored; clearTimeout and clearInterval share one id space;
// - a callback's exception is reported as "Uncaught ..." and the interpreter carries on.

const MIN_INTERVAL_MS = 0.1;
const MAX_INTERVAL_MS = 31536000001000;

/**
 * @param {object} options
 * @param {import('./events').EventLoop} options.loop
 * @param {any} options.errors the context's error classes
 * @param {(code: string) => any} options.evaluate runs a string callback in the global scope
 */
function createTimers(options) {
  const { loop, errors, evaluate } = options;
  /** @type {Map<number, {handle: any, repeat: boolean, fire: () => void, interval: number}>} */
  const timers = new Map();

  function nextId() {
    let highest = 0;
    for (const id of timers.keys()) if (id > highest) highest = id;
    return highest + 1;
  }

  function start(callback, ms, extraArgs, repeat) {
    if (typeof callback !== 'function' && typeof callback !== 'string') {
      throw new errors.Error('Function or String not supplied!');
    }
    let interval = Number(ms);
    if (isNaN(interval) || interval < MIN_INTERVAL_MS) interval = MIN_INTERVAL_MS;
    if (interval > MAX_INTERVAL_MS) throw new errors.Error('Interval is too long (>100 years)');
    const id = nextId();
    if (loop.closed) return id;
    const run = typeof callback === 'function'
      ? () => callback.apply(undefined, extraArgs)
      : () => evaluate(callback);
    const timer = { handle: null, repeat, interval, fire: null };
    timer.fire = () => {
      if (!repeat) timers.delete(id);
      loop.queueEvent(undefined, run, []);
    };
    timer.handle = repeat ? setInterval(timer.fire, interval) : setTimeout(timer.fire, interval);
    timers.set(id, timer);
    return id;
  }

  function stop(timer) {
    if (timer.repeat) clearInterval(timer.handle);
    else clearTimeout(timer.handle);
  }

  function clear(kind, args) {
    if (args.length === 0) {
      for (const timer of timers.values()) stop(timer);
      timers.clear();
      return;
    }
    const id = args[0];
    if (id === undefined) {
      throw new errors.Error('clear' + kind + '(undefined) not allowed. Use clear' + kind + '() instead');
    }
    const timer = timers.get(Number(id));
    if (!timer || (typeof id !== 'number' && typeof id !== 'string')) return;
    stop(timer);
    timers.delete(Number(id));
  }

  function extra(args, from) {
    const out = [];
    for (let i = from; i < args.length; i++) out.push(args[i]);
    return out;
  }

  return {
    globals: {
      setTimeout: function setTimeout(callback, ms) { return start(callback, ms, extra(arguments, 2), false); },
      setInterval: function setInterval(callback, ms) { return start(callback, ms, extra(arguments, 2), true); },
      clearTimeout: function clearTimeout() { clear('Timeout', arguments); },
      clearInterval: function clearInterval() { clear('Interval', arguments); },
      changeInterval: function changeInterval(id, ms) {
        const timer = timers.get(Number(id));
        if (!timer) throw new errors.Error('Unknown Interval');
        stop(timer);
        timer.interval = Math.max(MIN_INTERVAL_MS, Number(ms) || 0);
        timer.handle = timer.repeat ? setInterval(timer.fire, timer.interval) : setTimeout(timer.fire, timer.interval);
      },
    },
    /** Number of live timers (for the memory estimate). */
    count() { return timers.size; },
    /** Stops every timer (context shutdown). */
    clearAll() { clear('Timeout', []); },
  };
}

module.exports = { createTimers };
