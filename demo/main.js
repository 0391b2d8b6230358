// The demo app: the original MicroWebSrv2 main.py, ported (its routes, pages, WebSocket handlers and
// settings), plus two JSON routes marked below. The same file runs on a board (uploaded as its boot
// code) and on the Node shim (`npm start`). Plain ES5, as Espruino runs it.
//
// Settings come from a global DEMO_CONFIG when the loader defines one (npm start sets the port,
// npm run upload the board's settings):
//   { port: 8080, rootPath: 'www', embedded: true, limits: { BufferSlotsCount: 16, ... } }

var mws2lib = require('MicroWebSrv2');
var MicroWebSrv2 = mws2lib.MicroWebSrv2;
var WebRoute = mws2lib.WebRoute;
var GET = mws2lib.GET;
var POST = mws2lib.POST;

var config = typeof DEMO_CONFIG !== 'undefined' ? DEMO_CONFIG : {};

// ---- Routes ----

WebRoute(GET, '/test-redir', function (microWebSrv2, request) {
  request.Response.ReturnRedirect('/test.pdf');
});

// The original's two pages, byte for byte (its Python strings keep their four-space indent). The names
// are HTML-escaped as the original does; the address too, which the original inserts as it is.
function postPage(title, body) {
  return '    <!DOCTYPE html>\n' +
    '    <html>\n' +
    '        <head>\n' +
    '            <title>' + title + '</title>\n' +
    '        </head>\n' +
    '        <body>\n' +
    '            <h2>MicroWebSrv2 - ' + title + '</h2>\n' +
    body +
    '        </body>\n' +
    '    </html>\n' +
    '    ';
}

WebRoute(GET, '/test-post', 'TestPost1/2', function (microWebSrv2, request) {
  request.Response.ReturnOk(postPage('POST 1/2',
    '            User address: ' + MicroWebSrv2.HTMLEscape(request.UserAddress[0]) + '<br />\n' +
    '            <form action="/test-post" method="post">\n' +
    '                First name: <input type="text" name="firstname"><br />\n' +
    '                Last name:  <input type="text" name="lastname"><br />\n' +
    '                <input type="submit" value="OK">\n' +
    '            </form>\n'));
});

WebRoute(POST, '/test-post', 'TestPost2/2', function (microWebSrv2, request) {
  var data = request.GetPostedURLEncodedForm();
  if (data.firstname === undefined || data.lastname === undefined) {
    request.Response.ReturnBadRequest();
    return;
  }
  request.Response.ReturnOk(postPage('POST 2/2',
    '            Hello ' + MicroWebSrv2.HTMLEscape(data.firstname) + ' ' +
    MicroWebSrv2.HTMLEscape(data.lastname) + ' :)<br />\n'));
});

// ---- Additions to the original's routes (npm run mem's request mix uses /api/args) ----

// A JSON API route with arguments: all-digit values arrive as integers.
WebRoute(GET, '/api/args/<id>/<name>', 'apiArgs', function (microWebSrv2, request, args) {
  request.Response.ReturnOkJSON({
    id: args.id,
    name: args.name,
    query: request.QueryParams,
    path: mws2lib.PathFromRoute('apiArgs', args),
  });
});

// Answers after a delay, as a handler waiting for a sensor would.
WebRoute(GET, '/api/later', function (microWebSrv2, request) {
  setTimeout(function () {
    request.Response.ReturnOkJSON({ answeredAfterMs: 100 });
  }, 100);
});

// ---- Modules (each is a bundle of its own: a board uploads only the ones it uses) ----

function loadOptionalModule(name) {
  try {
    return MicroWebSrv2.LoadModule(name);
  } catch (e) {
    console.log('Demo: module ' + name + ' not available (' + e.message + ')');
    return null;
  }
}

var pyhtmlMod = loadOptionalModule('PyhtmlTemplate');
if (pyhtmlMod) {
  pyhtmlMod.ShowDebug = true;
  pyhtmlMod.SetGlobalVar('TestVar', 12345);
}

var chatSockets = [];

function broadcastChat(text) {
  for (var i = 0; i < chatSockets.length; i++) chatSockets[i].SendTextMessage(text);
}

// `ip:port`, as the original prints it; Espruino's Linux sockets do not tell the client's address
// (UserAddress is ['', 0]), and a chat of ':0' users would read badly.
function addressOf(webSocket) {
  var address = webSocket.Request.UserAddress;
  return address[0] ? address[0] + ':' + address[1] : 'guest';
}

function onWebSocketTextMsg(webSocket, msg) {
  console.log('WebSocket text message: ' + msg);
  webSocket.SendTextMessage('Received "' + msg + '"');
}

// The original prints the memoryview itself, which says nothing of its content: its length here.
function onWebSocketBinaryMsg(webSocket, msg) {
  console.log('WebSocket binary message: ' + msg.length + ' bytes');
}

function onWebSocketClosed(webSocket) {
  console.log('WebSocket ' + addressOf(webSocket) + ' closed');
}

function onWebSocketChatTextMsg(webSocket, msg) {
  broadcastChat('<' + addressOf(webSocket) + '> ' + msg);
}

function onWebSocketChatClosed(webSocket) {
  var index = chatSockets.indexOf(webSocket);
  if (index >= 0) {
    chatSockets.splice(index, 1);
    broadcastChat('<' + addressOf(webSocket) + ' HAS LEFT THE CHAT>');
  }
}

function wsJoinChat(webSocket) {
  webSocket.OnTextMessage = onWebSocketChatTextMsg;
  webSocket.OnClosed = onWebSocketChatClosed;
  broadcastChat('<' + addressOf(webSocket) + ' HAS JOINED THE CHAT>');
  chatSockets.push(webSocket);
  webSocket.SendTextMessage('<WELCOME ' + addressOf(webSocket) + '>');
}

function onWebSocketAccepted(microWebSrv2, webSocket) {
  console.log('Example WebSocket accepted:');
  console.log('   - User   : ' + addressOf(webSocket));
  console.log('   - Path   : ' + webSocket.Request.Path);
  console.log('   - Origin : ' + webSocket.Request.Origin);
  if (webSocket.Request.Path.toLowerCase() === '/wschat') {
    wsJoinChat(webSocket);
  } else {
    webSocket.OnTextMessage = onWebSocketTextMsg;
    webSocket.OnBinaryMessage = onWebSocketBinaryMsg;
    webSocket.OnClosed = onWebSocketClosed;
  }
}

var wsMod = loadOptionalModule('WebSockets');
if (wsMod) wsMod.OnWebSocketAccepted = onWebSocketAccepted;

// ---- The server ----

var mws2 = new MicroWebSrv2();
if (config.embedded !== false) mws2.SetEmbeddedConfig();
// The upload tool passes the board's limits (boards/*.json) so the demo fits its memory.
var limits = config.limits || {};
if (limits.BufferSlotsCount) mws2.BufferSlotsCount = limits.BufferSlotsCount;
if (limits.BufferSlotSize) mws2.BufferSlotSize = limits.BufferSlotSize;
if (limits.MaxRequestContentLength) mws2.MaxRequestContentLength = limits.MaxRequestContentLength;
mws2.NotFoundURL = '/';
if (config.rootPath) mws2.RootPath = config.rootPath;
mws2.BindAddress = ['0.0.0.0', config.port || 80];
mws2.StartManaged();
