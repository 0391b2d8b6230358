// Running the `espruino` CLI (npm package espruino 0.1.67, a devDependency) with its traps handled:
// - Bluetooth scanning is off (--no-ble): it would otherwise wait for noble on every run.
// - It only opens serial ports that SerialPort.list() reports, or tcp://host:port: checked first, so
//   a wrong path gets a clear message instead of the CLI's silence.
// - A send of 512 bytes or less never calls back, and the CLI hangs: SERIAL_THROTTLE_SEND=1 (send in
//   small blocks) avoids it for every size.
// - Without a board JSON it fetches one from espruino.com: a local one (boards/cli/*.json, with
//   builtin_modules) is always given, so nothing is fetched and `require("Storage")` is known.
// - Its local-module lookup uses a global `fs` that does not exist: nothing here relies on it (the
//   code sent only requires built-in modules; bundles travel as Storage writes).
// - It exits 0 when it cannot connect or when the board reports an error: failures are found in its
//   output (findFailure) and in the markers the uploaded code prints.
'use strict';

const path = require('path');
const { spawn } = require('child_process');

const cliPath = require.resolve('espruino/bin/espruino-cli.js');
/** What the CLI puts before each line the board prints (it is not run with --quiet). */
const DEVICE_PREFIX = '--] ';

function isTcpPort(port) {
  return typeof port === 'string' && port.indexOf('tcp://') === 0;
}

/** `tcp://host:port` -> { host, port } (the CLI's default port is 23, Telnet). */
function parseTcpPort(port) {
  let rest = port.slice('tcp://'.length);
  let tcpPort = 23;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tcpPort = parseInt(rest.slice(colon + 1), 10);
    rest = rest.slice(0, colon);
  }
  return { host: rest || 'localhost', port: tcpPort };
}

/**
 * Arguments for one CLI run. `file`: code to upload (the board is reset first); `expr`: a statement
 * to run without reset. Storage writes are paced (250 ms each) on serial links, where XON/XOFF is
 * too slow to protect a flash write; TCP has flow control of its own, so they are not.
 */
function cliArgs(options) {
  if (!options.port) throw new Error('a port is needed (--port /dev/ttyUSB0 or --port tcp://host:port)');
  if (!options.boardJson) throw new Error('a local board JSON is needed (boards/cli/*.json)');
  const args = [
    '--no-ble',
    '-p', options.port,
    '--board', options.boardJson,
    '--config', 'SERIAL_THROTTLE_SEND=1',
    // Line numbers only help the Web IDE's debugger, and cost a variable per function.
    '--config', 'STORE_LINE_NUMBERS=false',
  ];
  const paced = options.pacedStorageWrites !== undefined ? options.pacedStorageWrites : !isTcpPort(options.port);
  if (!paced) args.push('--config', 'STORAGE_UPLOAD_METHOD=1');
  if (options.baud && !isTcpPort(options.port)) args.push('-b', String(options.baud));
  if (options.noReset) args.push('--config', 'RESET_BEFORE_SEND=false');
  if (options.sleep) args.push('--sleep', String(options.sleep));
  if (options.expr !== undefined) args.push('-e', options.expr);
  if (options.file) args.push(options.file);
  return args;
}

/** Lines the CLI itself prints on stderr or stdout when something went wrong. */
const CLI_FAILURES = [
  { re: /Unable to connect!?/, why: 'the CLI could not connect to the port' },
  { re: /Error: No Ports Found/, why: 'the CLI found no port' },
  { re: /Port named .* not found/, why: 'the CLI did not find the port' },
  { re: /Prompt not detected - upload failed/, why: 'the board did not come back to its prompt: the upload failed' },
  { re: /ECONNREFUSED/, why: 'nothing listens on that TCP port (is the board or the --telnet interpreter running?)' },
  { re: /ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/, why: 'that host cannot be reached' },
  { re: /RECEIVE ERROR/, why: 'the connection failed' },
  { re: /SEND ERROR/, why: 'the connection failed while sending' },
  { re: /You have more (open|close) brackets/, why: 'the CLI refused the code (unbalanced brackets)' },
  { re: /Unknown Argument/, why: 'the CLI rejected an argument' },
];

/** Lines the board prints when code it was given failed. */
const DEVICE_FAILURES = [
  { re: /^Uncaught /, why: 'the board reported an error' },
  { re: /OUT OF MEMORY|Out of Memory/i, why: 'the board ran out of memory' },
  { re: /Execution Interrupted/, why: 'the board interrupted the code' },
  { re: /New interpreter error: (\w+)/, why: 'the board reported an interpreter error' },
  { re: /Unable to write file|Not enough free space|File too big/i, why: 'the board could not write to Storage' },
];

/** A board line without the CLI's prefix, the console's clear-line escapes and the prompt before it. */
function deviceText(line) {
  return line.slice(DEVICE_PREFIX.length).replace(/\x1b\[J/g, '').replace(/^>+/, '');
}

/** The first failure in a run's output, as { why, line }, or null. */
function findFailure(output) {
  const lines = String(output).split(/\r?\n/);
  for (const line of lines) {
    const device = line.indexOf(DEVICE_PREFIX) === 0 ? deviceText(line) : null;
    for (const f of CLI_FAILURES) if (device === null && f.re.test(line)) return { why: f.why, line: line.trim() };
    if (device !== null) {
      for (const f of DEVICE_FAILURES) if (f.re.test(device)) return { why: f.why, line: device.trim() };
    }
  }
  return null;
}

/** Splits CLI stdout into the board's lines (without the CLI's prefix) and the CLI's own lines. */
function splitOutput(stdout) {
  const device = [];
  const cli = [];
  for (const line of String(stdout).split(/\r?\n/)) {
    if (line.indexOf(DEVICE_PREFIX) === 0) device.push(deviceText(line));
    else if (line.trim()) cli.push(line);
  }
  return { device, cli };
}

/**
 * Runs the CLI; `onDeviceLine(line)` sees each line the board prints as it arrives. Resolves with
 * { code, stdout, stderr, device, timedOut }; a run longer than `timeoutMs` is killed.
 */
function runCli(args, options) {
  options = options || {};
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath].concat(args), {
      cwd: options.cwd || path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs || 120000);
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      stdout += text;
      partial += text;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, '');
        partial = partial.slice(nl + 1);
        if (line.indexOf(DEVICE_PREFIX) === 0 && options.onDeviceLine) {
          options.onDeviceLine(deviceText(line));
        } else if (options.onCliLine) {
          options.onCliLine(line);
        }
      }
    });
    child.stderr.on('data', (chunk) => { stderr += chunk.toString('latin1'); });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, device: splitOutput(stdout).device, timedOut });
    });
  });
}

/** Serial ports the CLI would accept (it opens only those SerialPort.list() reports). */
async function listSerialPorts() {
  let SerialPort;
  try {
    SerialPort = require('serialport').SerialPort;
  } catch (e) {
    return null;
  }
  const ports = await SerialPort.list();
  // The CLI drops /dev/ttyS* on Linux (on-board UARTs, listed whether or not anything is attached).
  return ports.map((p) => p.path).filter((p) => process.platform !== 'linux' || !/^\/dev\/ttyS[0-9]*$/.test(p));
}

/** Throws a clear error when a serial port is not one the CLI can open. */
async function checkPortUsable(port) {
  if (isTcpPort(port)) {
    const { host, port: tcpPort } = parseTcpPort(port);
    if (!host || !(tcpPort > 0 && tcpPort < 65536)) throw new Error('--port ' + port + ': expected tcp://host:port');
    return;
  }
  const ports = await listSerialPorts();
  if (ports === null) return;
  if (ports.indexOf(port) < 0) {
    throw new Error('--port ' + port + ': not a serial port this machine lists (the espruino CLI opens only those). ' +
      (ports.length ? 'Found: ' + ports.join(', ') : 'No serial port found: is the board plugged in?'));
  }
}

module.exports = {
  cliPath, cliArgs, runCli, findFailure, splitOutput, isTcpPort, parseTcpPort,
  listSerialPorts, checkPortUsable, DEVICE_PREFIX,
};
