// A throw-away self-signed certificate for HTTPS/WSS tests (openssl, installed by .ci/run).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

function opensslAvailable() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return false;
  }
}

/** Makes a temp folder with cert.pem and key.pem (CN=localhost, one day); returns its path. */
function makeCertificateDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix || 'mws2-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  return dir;
}

module.exports = { opensslAvailable, makeCertificateDir };
