// Waiting in tests: for a while, or until a condition (sync or async) holds.
'use strict';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the predicate's first truthy value; rejects after timeoutMs naming `what`. */
async function waitFor(predicate, timeoutMs = 3000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
}

module.exports = { sleep, waitFor };
