// The board descriptions in boards/<id>.json: loading, validation, and the WiFi credentials a board
// needs, read from the environment or from an untracked file (never from the repo).
'use strict';

const fs = require('fs');
const path = require('path');

const boardsDir = path.resolve(__dirname, '../../boards');

/** Network bring-up kinds scripts/lib/boot-code.js knows how to write. */
const NETWORK_KINDS = ['wifi', 'esp8266-at', 'none'];
const WEB_FILE_STORES = ['storage', 'sd'];
const CONSOLE_KINDS = ['serial', 'usb', 'telnet'];
const PRESETS = ['Embedded', 'Light', 'Normal', 'Large'];
/** Longest Storage file name on Espruino 2v29. */
const STORAGE_MAX_NAME = 28;

function boardIds() {
  return fs.readdirSync(boardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

function isPositiveInt(value) {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Every problem of a board description, as readable sentences; empty when it is valid. */
function validateBoard(board) {
  const errors = [];
  const need = (cond, msg) => { if (!cond) errors.push(msg); };
  if (!board || typeof board !== 'object') return ['the board description must be a JSON object'];
  need(typeof board.id === 'string' && /^[a-z0-9-]+$/.test(board.id), 'id must be lower-case letters, digits and dashes');
  need(typeof board.name === 'string' && board.name.length > 0, 'name must be a non-empty string');
  need(typeof board.espruinoBoard === 'string' && board.espruinoBoard.length > 0, 'espruinoBoard must name the Espruino board (process.env.BOARD)');
  need(typeof board.cliBoardJson === 'string', 'cliBoardJson must be the path of the board JSON given to the espruino CLI');
  need(isPositiveInt(board.variables), 'variables must be a positive integer');
  need(isPositiveInt(board.blockSize), 'blockSize must be a positive integer (bytes per variable)');
  need(isPositiveInt(board.storageBytes), 'storageBytes must be a positive integer');
  need(typeof board.tlsServer === 'boolean', 'tlsServer must be true or false');
  need(isPositiveInt(board.httpPort) && board.httpPort < 65536, 'httpPort must be a TCP port');
  need(PRESETS.indexOf(board.preset) >= 0, 'preset must be one of ' + PRESETS.join(', '));

  const c = board.console;
  need(c && CONSOLE_KINDS.indexOf(c.kind) >= 0, 'console.kind must be one of ' + CONSOLE_KINDS.join(', '));
  if (c && c.kind === 'serial') need(isPositiveInt(c.baud), 'console.baud must be set for a serial console');

  const n = board.network;
  need(n && NETWORK_KINDS.indexOf(n.kind) >= 0, 'network.kind must be one of ' + NETWORK_KINDS.join(', '));
  if (n && n.kind === 'wifi') need(typeof n.module === 'string' && n.module, 'network.module must name the WiFi module');
  if (n && n.kind === 'esp8266-at') {
    for (const key of ['module', 'serial', 'tx', 'rx']) need(typeof n[key] === 'string' && n[key], 'network.' + key + ' must be set for an ESP8266 on AT commands');
    need(isPositiveInt(n.baud), 'network.baud must be set for an ESP8266 on AT commands');
    need(Array.isArray(n.requires), 'network.requires must list the modules to upload to Storage');
  }

  const w = board.webFiles;
  need(w && WEB_FILE_STORES.indexOf(w.store) >= 0, 'webFiles.store must be one of ' + WEB_FILE_STORES.join(', '));
  if (w && w.store === 'storage') {
    need(typeof w.rootPath === 'string' && w.rootPath.indexOf('storage:') === 0, 'webFiles.rootPath must start with storage: when files go to Storage');
  }
  if (w && w.store === 'sd') need(typeof w.rootPath === 'string' && w.rootPath.length > 0, 'webFiles.rootPath must be the folder on the SD card');

  const l = board.limits;
  if (!l || typeof l !== 'object') {
    errors.push('limits must give MaxConnections, BufferSlotsCount, BufferSlotSize, MaxRequestContentLength');
  } else {
    for (const key of ['MaxConnections', 'BufferSlotsCount', 'BufferSlotSize', 'MaxRequestContentLength']) {
      need(isPositiveInt(l[key]), 'limits.' + key + ' must be a positive integer');
    }
    // The server serves BufferSlotsCount / 2 connections at once (a receive and a send slot each).
    if (isPositiveInt(l.BufferSlotsCount) && isPositiveInt(l.MaxConnections)) {
      need(Math.floor(l.BufferSlotsCount / 2) === l.MaxConnections, 'limits.MaxConnections must be BufferSlotsCount / 2 (how the server derives it)');
    }
  }
  return errors;
}

/** The board description with this id; throws with the list of problems when it is not valid. */
function loadBoard(id) {
  const ids = boardIds();
  if (ids.indexOf(id) < 0) throw new Error('unknown board "' + id + '": choose one of ' + ids.join(', '));
  const file = path.join(boardsDir, id + '.json');
  const board = JSON.parse(fs.readFileSync(file, 'utf8'));
  const errors = validateBoard(board);
  if (board.id !== id) errors.push('id "' + board.id + '" differs from the file name ' + id + '.json');
  if (errors.length) throw new Error('boards/' + id + '.json is not valid:\n  ' + errors.join('\n  '));
  board.cliBoardJsonPath = path.resolve(boardsDir, board.cliBoardJson);
  return board;
}

/**
 * WiFi credentials: WIFI_SSID / WIFI_PASSWORD from the environment win; else the file (default
 * `.upload-secrets.json`, git-ignored) as `{ "wifi": { "ssid": "...", "password": "..." } }`, where a
 * board may have its own entry: `{ "boards": { "esp32": { "wifi": {...} } } }`. null when none.
 */
function loadWifiCredentials(options) {
  const env = options.env || process.env;
  if (env.WIFI_SSID) return { ssid: env.WIFI_SSID, password: env.WIFI_PASSWORD || '', from: 'environment' };
  const file = options.file;
  if (!file || !fs.existsSync(file)) return null;
  let secrets;
  try {
    secrets = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(file + ' is not valid JSON: ' + e.message);
  }
  const perBoard = secrets.boards && options.boardId && secrets.boards[options.boardId];
  const wifi = (perBoard && perBoard.wifi) || secrets.wifi;
  if (!wifi) return null;
  if (typeof wifi.ssid !== 'string' || !wifi.ssid) throw new Error(file + ': wifi.ssid must be a non-empty string');
  if (wifi.password !== undefined && typeof wifi.password !== 'string') throw new Error(file + ': wifi.password must be a string');
  return { ssid: wifi.ssid, password: wifi.password || '', from: file };
}

module.exports = {
  boardsDir, boardIds, loadBoard, validateBoard, loadWifiCredentials,
  NETWORK_KINDS, WEB_FILE_STORES, STORAGE_MAX_NAME,
};
