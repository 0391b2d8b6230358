// The rig the suite runs against: run.js sets it before mocha loads the suite files.
'use strict';

let current = null;

module.exports = {
  set(rig) {
    current = rig;
  },
  /** @returns {import('./rig').Rig} */
  get() {
    if (!current) throw new Error('the HIL suite runs through test-hil/run.js, which opens the board first');
    return current;
  },
};
