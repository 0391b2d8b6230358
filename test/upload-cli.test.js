// How the espruino CLI is driven and how its output is read (it exits 0 on failure), and the
// upload command's options. No board needed.
'use strict';

const assert = require('assert');

const cli = require('../scripts/lib/espruino-cli');
const { parseArgs } = require('../scripts/upload');

describe('espruino CLI arguments', () => {
  it('always disable Bluetooth, give the local board JSON and throttle sends (the <=512-byte hang)', () => {
    const args = cli.cliArgs({ port: '/dev/ttyUSB0', boardJson: '/x/ESP32.json', baud: 115200, file: '/tmp/u.js' });
    assert.strictEqual(args[0], '--no-ble');
    assert.deepStrictEqual(args.slice(args.indexOf('--board'), args.indexOf('--board') + 2), ['--board', '/x/ESP32.json']);
    assert.ok(args.join(' ').indexOf('--config SERIAL_THROTTLE_SEND=1') >= 0);
    assert.deepStrictEqual(args.slice(args.indexOf('-b'), args.indexOf('-b') + 2), ['-b', '115200']);
    assert.strictEqual(args[args.length - 1], '/tmp/u.js');
  });

  it('pace Storage writes on serial links only', () => {
    const serial = cli.cliArgs({ port: '/dev/ttyACM0', boardJson: 'b.json', expr: '1' }).join(' ');
    const tcp = cli.cliArgs({ port: 'tcp://127.0.0.1:2323', boardJson: 'b.json', expr: '1' }).join(' ');
    assert.ok(serial.indexOf('STORAGE_UPLOAD_METHOD') < 0);
    assert.ok(tcp.indexOf('--config STORAGE_UPLOAD_METHOD=1') >= 0);
    assert.ok(tcp.indexOf(' -b ') < 0, 'no baud rate on TCP');
  });

  it('refuse to run without a port or a board JSON', () => {
    assert.throws(() => cli.cliArgs({ boardJson: 'b.json' }), /a port is needed/);
    assert.throws(() => cli.cliArgs({ port: 'tcp://h:1' }), /local board JSON/);
  });

  it('tcp ports: host and port, 23 by default as the CLI does', () => {
    assert.deepStrictEqual(cli.parseTcpPort('tcp://192.168.1.5'), { host: '192.168.1.5', port: 23 });
    assert.deepStrictEqual(cli.parseTcpPort('tcp://127.0.0.1:2323'), { host: '127.0.0.1', port: 2323 });
  });
});

describe('reading the CLI output', () => {
  it('finds a refused TCP connection, though the CLI exits 0', () => {
    const out = 'RECEIVE ERROR: {"errno":-111,"code":"ECONNREFUSED","syscall":"connect"}\nConnecting to \'tcp://127.0.0.1:2399\'\n';
    assert.deepStrictEqual(cli.findFailure(out).why, 'nothing listens on that TCP port (is the board or the --telnet interpreter running?)');
  });

  it('finds "Unable to connect" and a lost prompt', () => {
    assert.ok(/could not connect/.test(cli.findFailure('Unable to connect!\n').why));
    assert.ok(/did not come back to its prompt/.test(cli.findFailure('Prompt not detected - upload failed. Trying to recover...').why));
  });

  it('finds errors the board prints, behind the CLI prefix only', () => {
    const expected = { why: 'the board reported an error', line: 'Uncaught Error: Module Wifi not found' };
    assert.deepStrictEqual(cli.findFailure('--] Uncaught Error: Module Wifi not found\n'), expected);
    assert.deepStrictEqual(cli.findFailure('--] \x1b[J>Uncaught Error: Module Wifi not found\n'), expected, 'after the prompt');
    assert.ok(/out of memory/.test(cli.findFailure('--] ERROR: Out of Memory!\n').why));
    assert.strictEqual(cli.findFailure('Uncaught Error: printed by the CLI itself is not the board\n'), null);
  });

  it('a clean run has no failure', () => {
    assert.strictEqual(cli.findFailure('Espruino Command-line Tool 0.1.67\n--] @@MWS2 done {"freeBytes":1}\nUpload Complete\n'), null);
  });

  it('splits the board lines from the CLI lines and drops the clear-line escapes', () => {
    const { device, cli: own } = cli.splitOutput('Connecting\n--] \x1b[JMWS2-INFO> up\n--] >@@MWS2 done {}\n');
    assert.deepStrictEqual(device, ['MWS2-INFO> up', '@@MWS2 done {}']);
    assert.deepStrictEqual(own, ['Connecting']);
  });
});

describe('upload options', () => {
  it('need a board and a port', () => {
    assert.throws(() => parseArgs(['--port', '/dev/ttyUSB0']), /--board is required: one of .*esp32/);
    assert.throws(() => parseArgs(['--board', 'esp32']), /--port is required/);
  });

  it('a dry run needs no port', () => {
    assert.strictEqual(parseArgs(['--board', 'linux', '--dry-run']).dryRun, true);
  });

  it('read every documented option', () => {
    const o = parseArgs(['--board', 'linux', '--port', 'tcp://127.0.0.1:2323', '--http-port', '8090', '--app', 'x.js',
      '--modules', 'WebSockets', '--no-www', '--no-build', '--no-load', '--no-verify', '--wait', '5', '--secrets', 's.json']);
    assert.deepStrictEqual(
      [o.board, o.port, o.httpPort, o.app, o.modules, o.www, o.build, o.load, o.verify, o.wait, o.secrets],
      ['linux', 'tcp://127.0.0.1:2323', 8090, 'x.js', 'WebSockets', null, false, false, false, 5, 's.json']);
  });

  it('reject an unknown option and a bad port number', () => {
    assert.throws(() => parseArgs(['--board', 'linux', '--dry-run', '--colour']), /unknown option --colour/);
    assert.throws(() => parseArgs(['--board', 'linux', '--dry-run', '--http-port', '70000']), /--http-port must be a TCP port/);
  });
});
