// Many short connections, one after another: what a browser or a poller does all day. A server that
// judges its free memory wrongly refuses some of them with 503 although nothing else is open (seen
// on a resizable Linux build, whose process.memory().free is small and grows on demand).
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const http = require('../lib/http-client');
const { boardChecks } = require('../lib/suite-helpers');

/** Enough to cross the point where a slowly growing leak or a wrong memory estimate shows up. */
const REQUESTS = 300;

describe('connections', function () {
  const rig = session.get();

  it('answers ' + REQUESTS + ' requests in a row, each on a new connection, all with 200', async function () {
    // About 10 ms a request on the simulated board, up to ~150 ms on the interpreter or a board on WiFi.
    this.timeout(REQUESTS * 500);
    const statuses = {};
    const failures = [];
    for (let i = 0; i < REQUESTS; i++) {
      let status;
      try {
        const res = await http.request(rig.httpTarget(), http.simple('GET', '/hil/args/' + i + '/n'));
        status = res.status === 200 && res.text !== '{"id":' + i + ',"name":"n"}' ? 'wrong body' : res.status;
      } catch (error) {
        status = 'no answer';
      }
      statuses[status] = (statuses[status] || 0) + 1;
      if (status !== 200 && failures.length < 5) failures.push('#' + (i + 1) + ': ' + status);
    }
    assert.deepStrictEqual(statuses, { 200: REQUESTS }, 'statuses of ' + REQUESTS + ' requests: ' + JSON.stringify(statuses) +
      '; first failures: ' + failures.join(', '));
  });

  boardChecks('connections');
});
