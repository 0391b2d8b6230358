// Root hooks: the board's vars before and after every test, and what it printed meanwhile, for the report.
'use strict';

const session = require('../lib/session');

beforeEach(async function () {
  const rig = session.get();
  this.currentTest.hilBefore = await rig.console.memory().catch(() => null);
  this.currentTest.hilLogStart = rig.console.logs.length;
});

afterEach(async function () {
  const rig = session.get();
  const test = this.currentTest;
  const after = await rig.console.memory().catch(() => null);
  rig.ledger.record(test.fullTitle(), test.state || 'pending', test.hilBefore || null, after,
    rig.console.logsSince(test.hilLogStart || 0));
});
