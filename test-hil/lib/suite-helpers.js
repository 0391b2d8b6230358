// What every group of the suite shares: skipping when the board lacks a feature, and the closing
// check that the board gave back its memory and printed no "Uncaught" error.
'use strict';

const assert = require('assert');
const session = require('./session');

/** Skips the group when the board does not offer `feature` (files, websockets, templates). */
function requireFeature(feature, why) {
  before(function () {
    if (!session.get().features[feature]) {
      console.log('      (skipped: ' + why + ')');
      this.skip();
    }
  });
}

/**
 * The group's closing test: the board's usage back within the tolerance of where the group
 * started, and no "Uncaught" error printed during the group.
 */
function boardChecks(group) {
  const rig = session.get();
  let exceptionsAtStart = 0;
  let startUsage = null;
  before(async () => {
    exceptionsAtStart = rig.console.exceptions.length;
    startUsage = await rig.ledger.groupStart(5000);
  });
  it('gives back its vars (usage within ' + rig.config.tolerance + ' of the start) and prints no "Uncaught"', async function () {
    // Up to 15 s: the server lets a part go 10 s after its last use. A part the group loaded again
    // (a slow console can make a previous group outlast that idle time) is not a leak.
    this.timeout(30000);
    const result = await rig.ledger.check(group, startUsage, 15000);
    const fresh = rig.console.exceptions.slice(exceptionsAtStart).map((entry) => entry.text);
    assert.deepStrictEqual(fresh, [], 'exceptions printed by the board');
    assert.ok(result.ok, 'usage ' + result.usage + ' vars, ' + (result.usage - result.start) + ' more than at the start of the group (' +
      result.start + '); tolerance ' + result.tolerance);
  });
}

module.exports = { requireFeature, boardChecks };
