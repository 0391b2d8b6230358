// The boot code a board runs at power-up (Storage `.bootcde`): the settings the upload gives the app
// (DEMO_CONFIG), the board's network bring-up from its boards/<id>.json, and the app itself, which
// starts once the network is up. Plain ES5, written for Espruino: no hoisting is relied on (every
// function is declared before it is called).
'use strict';

/** Name of the function that wraps the app on boards that must bring a network up first. */
const START_FUNCTION = '__mws2StartApp';

function js(value) {
  return JSON.stringify(value);
}

/** The settings object the demo reads (`DEMO_CONFIG`): port, where web files are, limits. */
function appConfig(board, options) {
  return {
    port: options.httpPort || board.httpPort,
    rootPath: options.rootPath || board.webFiles.rootPath,
    embedded: true,
    limits: board.limits,
  };
}

/** Logs the address the server answers on, once the network reports it. */
function announce(port) {
  return 'console.log("MWS2-NET> connected: http://" + (info && info.ip) + ":" + ' + js(port) + ' + "/");';
}

/** require('Wifi') on ESP32, ESP32-C3 and Espruino WiFi: the same connect/getIP API. */
function wifiBringUp(network, credentials, port) {
  return [
    '(function () {',
    '  var wifi = require(' + js(network.module) + ');',
    '  var started = false;',
    '  function up() {',
    '    wifi.getIP(function (err, info) { ' + announce(port) + ' });',
    '    if (!started) { started = true; ' + START_FUNCTION + '(); }',
    '  }',
    '  function connect() {',
    '    wifi.connect(' + js(credentials.ssid) + ', { password: ' + js(credentials.password) + ' }, function (err) {',
    '      if (err) {',
    '        console.log("MWS2-NET> WiFi connection failed (" + err + "), retrying in 10 s");',
    '        setTimeout(connect, 10000);',
    '        return;',
    '      }',
    '      up();',
    '    });',
    '  }',
    '  connect();',
    '})();',
  ].join('\n');
}

/** An ESP8266 with AT firmware on a serial port (Espruino Pico), through ESP8266WiFi_0v25. */
function esp8266BringUp(network, credentials, port) {
  const lines = ['(function () {'];
  if (network.enablePin) lines.push('  digitalWrite(' + network.enablePin + ', 1);');
  lines.push(
    '  ' + network.serial + '.setup(' + network.baud + ', { tx: ' + network.tx + ', rx: ' + network.rx + ' });',
    '  var started = false;',
    '  var wifi = null;',
    '  function retry(step, err) {',
    '    console.log("MWS2-NET> ESP8266 " + step + " failed (" + err + "), retrying in 10 s");',
    '    setTimeout(start, 10000);',
    '  }',
    '  function joined(err) {',
    '    if (err) return retry("join", err);',
    '    wifi.getIP(function (err, info) { if (typeof info === "string") info = { ip: info }; ' + announce(port) + ' });',
    '    if (!started) { started = true; ' + START_FUNCTION + '(); }',
    '  }',
    '  function start() {',
    '    wifi = require(' + js(network.module) + ').connect(' + network.serial + ', function (err) {',
    '      if (err) return retry("start", err);',
    '      wifi.reset(function (err) {',
    '        if (err) return retry("reset", err);',
    '        wifi.connect(' + js(credentials.ssid) + ', ' + js(credentials.password) + ', joined);',
    '      });',
    '    });',
    '  }',
    // The module needs about half a second after CH_PD goes high before it answers.
    '  setTimeout(start, 1000);',
    '})();',
  );
  return lines.join('\n');
}

/** Whether this board must join a network before the app starts (and so needs credentials). */
function needsCredentials(board) {
  return board.network.kind !== 'none';
}

/**
 * The whole boot code. On a board without a network to bring up (the Linux build), the app runs at
 * top level, so its globals stay reachable from the console. Elsewhere it is wrapped in a function
 * the bring-up calls once connected: an AT-command network (Espruino WiFi, ESP8266) only carries
 * sockets after it has joined, so the server must not listen before.
 */
function bootCode(board, appCode, options) {
  options = options || {};
  const config = appConfig(board, options);
  const parts = [
    '// Written by `npm run upload -- --board ' + board.id + '`: settings, network bring-up, then the app.',
    'var DEMO_CONFIG = ' + js(config) + ';',
  ];
  if (board.webFiles.store === 'sd' && board.webFiles.sdSetup) parts.push(board.webFiles.sdSetup);
  const kind = board.network.kind;
  if (kind === 'none') {
    parts.push(appCode);
    return parts.join('\n') + '\n';
  }
  const credentials = options.credentials;
  if (!credentials || !credentials.ssid) throw new Error('board ' + board.id + ' joins a WiFi network: give WIFI_SSID and WIFI_PASSWORD, or a .upload-secrets.json');
  parts.push('function ' + START_FUNCTION + '() {', appCode, '}');
  if (kind === 'wifi') parts.push(wifiBringUp(board.network, credentials, config.port));
  else if (kind === 'esp8266-at') parts.push(esp8266BringUp(board.network, credentials, config.port));
  else throw new Error('unknown network kind ' + kind);
  return parts.join('\n') + '\n';
}

module.exports = { bootCode, appConfig, needsCredentials, START_FUNCTION };
