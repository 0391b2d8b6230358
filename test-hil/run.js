#!/usr/bin/env node
// Hardware-in-the-loop suite: prepares a board over its console, then runs the mocha suite in
// test-hil/suite/ against its web server over the network. See test-hil/README.md.
//
//   node test-hil/run.js --simulated          a simulated board (Node shim behind a pty; CI runs this)
//   HIL_ESPRUINO=/path/to/espruino node test-hil/run.js      a Linux build of Espruino behind a pty
//   HIL_PORT=/dev/ttyUSB0 HIL_BOARD=esp32 node test-hil/run.js   a board on a serial port
//   HIL_PORT=tcp://192.168.1.50:23 node test-hil/run.js      a board's Telnet console
//
// Options: --grep <text> runs the tests whose title contains it; --help.
'use strict';

const path = require('path');
const Mocha = require('mocha');
const { Rig, configFromEnv } = require('./lib/rig');
const session = require('./lib/session');

const SUITE_DIR = path.join(__dirname, 'suite');
const SUITE_FILES = ['hooks.js', 'routes.js', 'errors.js', 'keep-alive.js', 'connections.js', 'static-files.js', 'websockets.js', 'templates.js'];

const USAGE = `Usage: node test-hil/run.js [--simulated] [--grep <text>]

Which board:
  --simulated            start the simulated board (Node shim behind a pseudo-terminal; needs socat)
  HIL_ESPRUINO=<path>    start this Linux build of Espruino behind a pseudo-terminal (needs socat);
                         the rig uses its Telnet console on 127.0.0.1:2323 (HIL_ESPRUINO_CONSOLE=pty: the
                         terminal, through serialport, each line written during a hold of the board)
  HIL_PORT=<device>      a board on a serial port (e.g. /dev/ttyUSB0), or tcp://host:port for Telnet
Settings:
  HIL_BOARD              a board name from boards/ (baud rate, HTTP port, memory tolerance)
  HIL_BAUD               console baud rate (default: the board's, else 115200)
  HIL_HOST               the board's IP address (default: what the board prints; 127.0.0.1 for local boards)
  HIL_HTTP_PORT          port of the test server (default: the board's, else 80; a free port locally)
  HIL_MEM_TOLERANCE      vars a group may leave behind (default: the board's, else 40)
  HIL_SETUP=<file.js>    a module run after each reset to bring the network up (exports function (done))
  HIL_UPLOAD_CHUNK       bytes per Storage.write line (default 256)
  HIL_WRITE_CHUNK        largest console write at once, 0 for whole lines (default: 64 on a serial
                         port, spaced by the baud rate; whole lines on Telnet and the Linux terminal)
  HIL_FORCE_UPLOAD=1     upload the bundles even when Storage has the same bytes
  HIL_READY_TIMEOUT      ms to wait for the test app (and HIL_SETUP) to start (default 30000)
  HIL_VERBOSE=1          show every console line
`;

function parseArgs(argv) {
  const flags = { simulated: false, grep: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--simulated') flags.simulated = true;
    else if (argv[i] === '--grep') flags.grep = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') flags.help = true;
    else throw new Error('unknown argument: ' + argv[i]);
  }
  return flags;
}

function runMocha(grep) {
  const mocha = new Mocha({ reporter: 'spec', timeout: 30000, slow: 2000 });
  if (grep) mocha.grep(grep);
  for (const file of SUITE_FILES) mocha.addFile(path.join(SUITE_DIR, file));
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
}

function printReport(rig, stats) {
  const say = (line) => process.stdout.write(line + '\n');
  say('');
  say('Board vars per test (usage before and after; baseline ' + rig.ledger.baseline.usage + ' of ' +
    rig.ledger.baseline.total + ' vars, tolerance ' + rig.ledger.tolerance + '):');
  say(rig.ledger.table());
  if (rig.ledger.checks.length) {
    say('');
    say('Memory per group:');
    for (const line of rig.ledger.groupSummary()) say('  ' + line);
  }
  const failed = rig.ledger.rows.filter((row) => row.state === 'failed' && row.boardLines.length);
  if (failed.length) {
    say('');
    say('Board console during failed tests:');
    for (const row of failed) {
      say('  ' + row.title);
      for (const line of row.boardLines.slice(0, 10)) say('    ' + line);
    }
  }
  const exceptions = rig.console.exceptions;
  say('Board console: ' + rig.console.logs.length + ' lines, ' + exceptions.length + ' "Uncaught" error(s)');
  for (const entry of exceptions.slice(0, 20)) say('  ' + entry.text);
  const outOfMemory = outOfMemoryLines(rig);
  for (const text of outOfMemory.slice(0, 5)) say('  the board printed: ' + text);
}

/** What the board printed about running out of memory: a run that saw it fails, whatever the tests said. */
function outOfMemoryLines(rig) {
  return rig.console.logs.map((entry) => entry.text).filter((text) => /OUT OF MEMORY|Out of Memory/i.test(text));
}

async function main() {
  const flags = parseArgs(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = configFromEnv(process.env, flags);
  if (!config.kind) {
    process.stderr.write('No board: set HIL_PORT or HIL_ESPRUINO, or pass --simulated.\n\n' + USAGE);
    return 2;
  }
  const rig = new Rig(config);
  let interrupted = false;
  const onSignal = async () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('\nInterrupted: stopping the board the rig started\n');
    await rig.close();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stats = null;
  try {
    console.log('HIL rig: opening ' + (config.kind === 'simulated' ? 'the simulated board' : config.kind === 'espruino' ? config.espruinoPath : config.portSpec));
    for (const note of config.board.notes) console.log('  board: ' + note);
    await rig.open();
    console.log('  console: ' + rig.description);
    await rig.prepare();
    const base = rig.ledger.baseline;
    console.log('  server: http://' + rig.host + ':' + rig.port + '/ on ' + (rig.features.board || '?') + ' ' + (rig.features.version || '') +
      ' (files ' + !!rig.features.files + ', WebSockets ' + !!rig.features.websockets + ', templates ' + !!rig.features.templates + ')');
    for (const problem of rig.warmUpProblems) console.log('  warm-up: ' + problem + ' (the tests that need it will say more)');
    console.log('  memory baseline: ' + base.usage + ' of ' + base.total + ' vars used' + (base.blocksize ? ' (' + base.blocksize + '-byte blocks)' : '') +
      ', tolerance ' + config.tolerance + ' vars');
    session.set(rig);
    stats = await runMocha(flags.grep);
    printReport(rig, stats);
  } catch (error) {
    console.error('\nHIL rig failed: ' + (error && error.stack || error));
  } finally {
    const problems = await rig.close();
    for (const problem of problems) console.error('  cleanup: ' + problem);
    if (rig.target && !problems.length) console.log('Board process stopped.');
  }
  console.log('');
  if (!stats) {
    console.log('hil: 0 passed, 1 failed');
    return 1;
  }
  // The plain closing line CI reads, after mocha's own "N passing".
  const outOfMemory = outOfMemoryLines(rig).length;
  console.log('hil: ' + stats.passes + ' passed, ' + stats.failures + ' failed, ' + stats.pending + ' skipped' +
    (outOfMemory ? '; the board printed OUT OF MEMORY ' + outOfMemory + ' time(s)' : ''));
  return stats.failures > 0 || outOfMemory > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
