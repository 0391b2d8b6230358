// The demo's WebSocket pages in a real browser: headless Chromium (Debian's `chromium`, installed by
// .ci/run) driven by playwright-core, against demo/main.js on the shim. This is what the `ws` client
// tests cannot show: a browser's own handshake, masking and framing talking to the module.
'use strict';

const assert = require('assert');
const { startDemo, chromiumAvailable, launchChromium, CHROMIUM_PATH } = require('./helpers/browser');

describe('Demo WebSocket pages in headless Chromium', function () {
  this.timeout(60000);
  let demo;
  let browser;

  before(async function () {
    if (!chromiumAvailable()) {
      console.log(`      (skipped: no Chromium at ${CHROMIUM_PATH}; install Debian's \`chromium\` package, as .ci/run does)`);
      this.skip();
    }
    demo = await startDemo();
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (demo) await demo.close();
  });

  async function openPage(pathName) {
    const page = await browser.newPage();
    page.setDefaultTimeout(10000);
    await page.goto(demo.url + pathName);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'connected');
    return page;
  }

  it('wschat.html: a message sent from one page arrives in the other', async () => {
    // Separate pages from browser.newPage() are separate browser contexts: two independent users.
    const alice = await openPage('/wschat.html');
    const bob = await openPage('/wschat.html');
    // Each page is welcomed first.
    await alice.waitForFunction(() => /^<WELCOME /.test((document.querySelector('#log .chat-line') || {}).textContent || ''));
    await bob.waitForFunction(() => /^<WELCOME /.test((document.querySelector('#log .chat-line') || {}).textContent || ''));
    const text = 'Hello Bob, caf\u00e9 \u20ac ' + Date.now();
    await alice.fill('#msg', text);
    await alice.click('#send');
    const line = await bob.waitForFunction((expected) => {
      const lines = document.querySelectorAll('#log .chat-line');
      for (let i = 0; i < lines.length; i++) if (lines[i].textContent.endsWith('> ' + expected)) return lines[i].textContent;
      return null;
    }, text);
    assert.match(await line.jsonValue(), /^<[^>]+> /);
    // The sender gets the broadcast too, and the input was cleared.
    await alice.waitForFunction((expected) => document.getElementById('log').textContent.includes(expected), text);
    assert.strictEqual(await alice.inputValue('#msg'), '');
    await alice.close();
    await bob.close();
  });

  it('wstest.html: the echo of the text sent appears in the log, and Close ends with 1000', async () => {
    const page = await openPage('/wstest.html');
    await page.fill('#msg', 'ping from Chromium');
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('log').textContent.includes('< Received "ping from Chromium"'));
    await page.click('#sendBinary');
    await page.click('#close');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'closed');
    const log = await page.textContent('#log');
    assert.match(log, /Closed \(code 1000/);
    assert.doesNotMatch(log, /Error/);
    await page.close();
  });
});
