// A headless Chromium (Debian's `chromium` driven by playwright-core) to open its pages in.
'use strict';

const fs = require('fs');
const { startDemo } = require('./demo');

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function chromiumAvailable() {
  return fs.existsSync(CHROMIUM_PATH);
}

/** A headless Chromium; the caller closes it. */
async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

module.exports = { startDemo, chromiumAvailable, launchChromium, CHROMIUM_PATH };
