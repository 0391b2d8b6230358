// WebSockets through the WebSockets module: the test app echoes every message.
'use strict';

const assert = require('assert');
const session = require('../lib/session');
const ws = require('../lib/ws-echo');
const { requireFeature, boardChecks } = require('../lib/suite-helpers');

describe('WebSockets', function () {
  const rig = session.get();
  requireFeature('websockets', 'the WebSockets bundle is not loaded');

  it('echoes a text message', async () => {
    assert.strictEqual(await ws.echoOnce(rig.wsUrl('/hil/ws'), 'hello board'), 'echo:hello board');
  });

  it('echoes a binary message byte for byte', async () => {
    const socket = await ws.open(rig.wsUrl('/hil/ws'));
    try {
      const reply = ws.nextMessage(socket);
      const bytes = Buffer.from([0, 1, 2, 127, 128, 200, 255]);
      socket.send(bytes);
      const message = await reply;
      assert.strictEqual(message.isBinary, true);
      assert.deepStrictEqual([...message.data], [...bytes]);
    } finally {
      await ws.close(socket);
    }
  });

  it('echoes a 1000-byte text message (a 16-bit length frame)', async () => {
    const text = 'x'.repeat(1000);
    assert.strictEqual(await ws.echoOnce(rig.wsUrl('/hil/ws'), text), 'echo:' + text);
  });

  it('serves two WebSockets at once', async () => {
    const first = await ws.open(rig.wsUrl('/hil/ws'));
    let second = null;
    try {
      // Opened inside try: a refused second must not leave the first open (the group's memory
      // check, and every group after it, would count the first WebSocket's memory).
      second = await ws.open(rig.wsUrl('/hil/ws'));
      const replies = [ws.nextMessage(first), ws.nextMessage(second)];
      first.send('one');
      second.send('two');
      const [a, b] = await Promise.all(replies);
      assert.deepStrictEqual([a.data.toString(), b.data.toString()], ['echo:one', 'echo:two']);
    } finally {
      await ws.close(first);
      if (second !== null) await ws.close(second);
    }
  });

  it('answers a close handshake with the same code', async () => {
    const socket = await ws.open(rig.wsUrl('/hil/ws'));
    assert.strictEqual(await ws.close(socket, 1000), 1000);
  });

  boardChecks('WebSockets');
});
