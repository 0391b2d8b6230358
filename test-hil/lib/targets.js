// Boards the rig starts itself: a program (the simulated board, or a Linux build of Espruino) run
// by socat behind a pseudo-terminal, which the rig then opens like any serial port. Stopping kills
// the program and socat with SIGKILL (the Linux interpreter ignores SIGTERM and SIGHUP when
// interactive) and checks that both are gone.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFileSync } = require('child_process');

/** Characters socat's address syntax passes through unchanged (',', ':', '!', quotes and spaces are special). */
const SOCAT_SAFE = /^[A-Za-z0-9_./+-]+$/;

function hasSocat() {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return false;
  }
}

/**
 * Runs `program` (with `args`) behind a pseudo-terminal and resolves when the terminal exists.
 * Program and arguments are reached through symlinks in a scratch folder, so their real paths may
 * hold characters socat would misread.
 * @param {object} options
 * @param {string} options.program executable
 * @param {string[]} [options.args]
 * @param {string} [options.cwd] the program's working directory (the Linux build keeps Storage there)
 * @param {object} [options.env] extra environment for the program
 * @param {string} options.name label for messages
 * @returns {Promise<{ptyPath: string, dir: string, socat: import('child_process').ChildProcess, childPid: () => number|null, stop: () => Promise<void>, stderr: () => string}>}
 */
async function startBehindPty(options) {
  if (!hasSocat()) throw new Error('socat is not installed (Debian: apt-get install -y socat)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-' + options.name + '-'));
  if (!SOCAT_SAFE.test(dir)) throw new Error('the temp folder ' + dir + ' has characters socat cannot take: set TMPDIR');
  const words = [link(dir, 'program', options.program)];
  (options.args || []).forEach((arg, i) => words.push(fs.existsSync(arg) ? link(dir, 'arg' + i, arg) : safeWord(arg)));
  const ptyPath = path.join(dir, 'console');
  const socat = spawn('socat', ['-d', '-d',
    'pty,raw,echo=0,link=' + ptyPath,
    'EXEC:' + words.join(' ') + ',pty,raw,echo=0'], {
    cwd: options.cwd || dir,
    env: Object.assign({}, process.env, options.env || {}),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let childPid = null;
  socat.stderr.on('data', (data) => {
    log += data.toString();
    const found = /forked off child process (\d+)/.exec(log);
    if (found && childPid === null) childPid = Number(found[1]);
  });
  const exited = new Promise((resolve) => socat.once('exit', resolve));
  const deadline = Date.now() + 5000;
  while (!fs.existsSync(ptyPath) || childPid === null) {
    if (socat.exitCode !== null || Date.now() > deadline) {
      killHard(childPid);
      killHard(socat.pid);
      throw new Error('socat did not make a pseudo-terminal for ' + options.name + ':\n' + log);
    }
    await delay(20);
  }
  let stopped = null;
  return {
    ptyPath,
    dir,
    socat,
    childPid: () => childPid,
    stderr: () => log,
    stop() {
      if (!stopped) stopped = stopBoth(childPid, socat, exited, options.name);
      return stopped;
    },
  };
}

async function stopBoth(childPid, socat, exited, name) {
  killHard(childPid);
  killHard(socat.pid);
  await Promise.race([exited, delay(3000)]);
  const deadline = Date.now() + 3000;
  while (isAlive(childPid) || isAlive(socat.pid)) {
    if (Date.now() > deadline) {
      throw new Error(name + ' is still running after SIGKILL (pids ' + childPid + ', ' + socat.pid + ')');
    }
    await delay(50);
  }
}

function killHard(pid) {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Alive and not a zombie (a killed grandchild may wait for socat to reap it). */
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return false;
  }
  try {
    const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    return false;
  }
}

function link(dir, name, target) {
  const at = path.join(dir, name);
  fs.symlinkSync(path.resolve(target), at);
  return at;
}

function safeWord(word) {
  if (!SOCAT_SAFE.test(word)) throw new Error('argument ' + JSON.stringify(word) + ' has characters socat cannot take');
  return word;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The simulated board (Node shim) behind a pseudo-terminal; its web files live in `<dir>/fs`. */
async function startSimulatedBoard(options) {
  const settings = options || {};
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-sim-data-'));
  const fsRoot = path.join(scratch, 'fs');
  const storageDir = path.join(scratch, 'storage');
  fs.mkdirSync(fsRoot);
  const target = await startBehindPty({
    name: 'simulated-board',
    program: process.execPath,
    args: [path.join(__dirname, '..', 'simulated-board.js')],
    env: {
      HIL_SIM_FS: fsRoot,
      HIL_SIM_STORAGE: storageDir,
      HIL_SIM_VARIABLES: String(settings.variables || 8190),
    },
  });
  const stop = target.stop;
  target.stop = async () => {
    await stop();
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(target.dir, { recursive: true, force: true });
  };
  return target;
}

/** The TCP port the Linux build's `--telnet` console listens on (fixed in its source). */
const ESPRUINO_TELNET_PORT = 2323;

/**
 * A Linux build of Espruino behind a pseudo-terminal, in a scratch folder (its Storage file and web
 * files). With `telnet` (the default) it also opens its Telnet console on 127.0.0.1:2323 and the
 * rig talks there: the Linux build reads its terminal on a second thread that races the main loop,
 * and a busy interpreter fed through the terminal dies on `ASSERT(len <= 64)` in jsdevices.c; the
 * Telnet console is read by the main loop and does not.
 * @param {string} binary
 * @param {{telnet?: boolean}} [options]
 */
async function startEspruino(binary, options) {
  const telnet = !options || options.telnet !== false;
  if (!fs.existsSync(binary)) throw new Error('HIL_ESPRUINO: no such file: ' + binary);
  if (telnet && await portInUse(ESPRUINO_TELNET_PORT)) {
    throw new Error('port ' + ESPRUINO_TELNET_PORT + ' is taken (another Espruino --telnet running?): stop it, or set HIL_ESPRUINO_CONSOLE=pty');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-espruino-data-'));
  const target = await startBehindPty({ name: 'espruino', program: binary, args: telnet ? ['--telnet'] : [], cwd: work });
  target.telnet = telnet ? { host: '127.0.0.1', port: ESPRUINO_TELNET_PORT } : null;
  const stop = target.stop;
  target.stop = async () => {
    await stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(target.dir, { recursive: true, force: true });
  };
  return target;
}

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = require('net').connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

module.exports = { startBehindPty, startSimulatedBoard, startEspruino, isAlive, hasSocat };
