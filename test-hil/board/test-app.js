// The app the HIL rig runs on the board. The rig uploads it to Storage as the module "hil-app" (so
// its functions stay in flash on boards that map Storage) and starts it from the console:
//   global.HIL = require('hil-app').start({ port: 8080, root: 'hilroot' });
// It registers the routes the suite calls, writes a few web files under RootPath when the board has
// a file system, loads the optional modules whose bundles were uploaded, and prints one line the rig
// waits for:
//   HIL-READY <ip or -> <port> <JSON of what this board offers>
//
// Runs on Espruino 2v29: plain ES5, functions declared before they are used (no hoisting), no
// multi-character indexOf on strings the server gives us.

var lib = require('MicroWebSrv2');
var MicroWebSrv2 = lib.MicroWebSrv2;
var WebRoute = lib.WebRoute;
var GET = lib.GET;
var POST = lib.POST;
var PUT = lib.PUT;

var HELLO_FILE = 'Hello from RootPath\n';
var INDEX_FILE = '<!DOCTYPE html><html><body>HIL index</body></html>\n';
var TEMPLATE_PAGE = '{{ py }} var n = (Request.QueryParams.n || 0) * 1; {{ end }}' +
  '<p>next={{ n + 1 }}</p><ul>{{ for i in [1, 2, 3] }}<li>{{ i }}</li>{{ end }}</ul>' +
  '<p>{{ "<b>" }}</p>{{ if n > 5 }}<p>big</p>{{ else }}<p>small</p>{{ end }}\n';

function allBytes() {
  var s = '';
  for (var i = 0; i < 256; i++) s += String.fromCharCode(i);
  return s;
}

/** Writes the web files; false when the board has no usable file system (no SD card). */
function writeRootFiles(root, withTemplate) {
  try {
    var fs = require('fs');
    try {
      fs.mkdirSync(root);
    } catch (e) {
      // already there
    }
    fs.writeFileSync(root + '/hello.txt', HELLO_FILE);
    fs.writeFileSync(root + '/index.html', INDEX_FILE);
    fs.writeFileSync(root + '/bytes.png', allBytes());
    fs.writeFileSync(root + '/unknown.bin', 'no MIME type for this one');
    if (withTemplate) fs.writeFileSync(root + '/page.pyhtml', TEMPLATE_PAGE);
    return fs.readFileSync(root + '/hello.txt') === HELLO_FILE;
  } catch (e) {
    return false;
  }
}

function loadModule(name) {
  try {
    return MicroWebSrv2.LoadModule(name);
  } catch (e) {
    return null;
  }
}

/** The board's address when its network module says so; null on Linux and the simulated board. */
function boardAddress() {
  var modules = (process.env && process.env.MODULES) || '';
  var names = ['Wifi', 'Ethernet'];
  for (var i = 0; i < names.length; i++) {
    if (modules.split(',').indexOf(names[i]) < 0) continue;
    try {
      var info = require(names[i]).getIP();
      if (info && info.ip && info.ip !== '0.0.0.0') return info.ip;
    } catch (e) {
      // not connected
    }
  }
  return null;
}

function addRoutes() {
  WebRoute(GET, '/hil/hello', function (m, request) { request.Response.ReturnOk('Hello, HIL'); });
  WebRoute(GET, '/hil/args/<id>/<name>', function (m, request, args) {
    request.Response.ReturnOkJSON({ id: args.id, name: args.name });
  });
  WebRoute(POST, '/hil/echo', function (m, request) {
    request.Response.ReturnOkJSON({ length: request.ContentLength, content: request.Content, type: request.ContentType });
  });
  WebRoute(GET, '/hil/later', function (m, request) {
    setTimeout(function () { request.Response.ReturnOk('later'); }, 50);
  });
  WebRoute(GET, '/hil/throws', function () { throw new Error('hil-boom'); });
  WebRoute(PUT, '/hil/only-put', function (m, request) { request.Response.ReturnOk('put'); });
  WebRoute(GET, '/hil/stream/<size>', function (m, request, args) {
    var remaining = args.size;
    var next = 0;
    request.Response.ReturnStream(200, {
      read: function (n) {
        if (remaining <= 0) return undefined;
        var count = Math.min(n, remaining, 256);
        var s = '';
        remaining -= count;
        while (count-- > 0) s += String.fromCharCode(97 + (next++ % 26));
        return s;
      },
    });
  });
}

function addWebSocketEcho(webSockets) {
  webSockets.OnWebSocketAccepted = function (m, webSocket) {
    webSocket.OnTextMessage = function (ws, msg) { ws.SendTextMessage('echo:' + msg); };
    webSocket.OnBinaryMessage = function (ws, msg) { ws.SendBinaryMessage(msg); };
  };
}

/**
 * Starts the server. options: port (default 80), root (RootPath, default 'hilroot').
 * Returns { server, features }.
 */
exports.start = function (options) {
  var settings = options || {};
  var port = settings.port || 80;
  var root = settings.root || 'hilroot';
  addRoutes();
  var webSockets = loadModule('WebSockets');
  if (webSockets) addWebSocketEcho(webSockets);
  var templates = loadModule('PyhtmlTemplate');
  var files = writeRootFiles(root, !!templates);
  var server = new MicroWebSrv2();
  server.SetEmbeddedConfig();
  server.RootPath = root;
  server.BindAddress = ['0.0.0.0', port];
  server.StartManaged();
  var features = {
    files: files,
    websockets: !!webSockets,
    templates: !!templates && files,
    board: (process.env && process.env.BOARD) || '',
    version: (process.env && process.env.VERSION) || '',
  };
  print('HIL-READY ' + (boardAddress() || '-') + ' ' + port + ' ' + JSON.stringify(features));
  return { server: server, features: features };
};

/** Stops the server (the rig calls this before it resets the board). */
exports.stop = function (app) {
  if (app && app.server) app.server.Stop();
};
