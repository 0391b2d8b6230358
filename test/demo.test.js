// The demo app (demo/main.js), as `npm start` runs it: the original main.py's routes and site.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const WebSocket = require('ws');
const { startDemo } = require('./helpers/demo');
const { waitFor } = require('./helpers/wait');

function openWs(url, options) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.received = [];
    ws.on('message', (data) => ws.received.push(data.toString('utf8')));
    ws.closed = new Promise((r) => ws.on('close', r));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('demo app (npm start)', function () {
  this.timeout(15000);
  let demo;
  before(async () => { demo = await startDemo(); });
  after(async () => demo && demo.close());

  it('serves the home page and its assets', async () => {
    const home = await fetch(demo.url + '/');
    assert.strictEqual(home.status, 200);
    assert.strictEqual(await home.text(), fs.readFileSync(path.join(__dirname, '../www/index.html'), 'utf8'));
    for (const asset of ['/style.css', '/favicon.ico', '/pdf.png', '/test.pdf', '/wstest.html', '/wschat.html']) {
      assert.strictEqual((await fetch(demo.url + asset)).status, 200, asset);
    }
  });

  it('redirects /test-redir to /test.pdf', async () => {
    const res = await fetch(demo.url + '/test-redir', { redirect: 'manual' });
    assert.strictEqual(res.status, 307);
    assert.strictEqual(res.headers.get('location'), '/test.pdf');
  });

  // main.py's pages as the original sends them: its triple-quoted strings, indented by four spaces.
  const originalPage = (title, body) => '    <!DOCTYPE html>\n    <html>\n        <head>\n' +
    `            <title>${title}</title>\n        </head>\n        <body>\n` +
    `            <h2>MicroWebSrv2 - ${title}</h2>\n${body}        </body>\n    </html>\n    `;

  it('shows the original POST form with the user address (GET /test-post)', async () => {
    const res = await fetch(demo.url + '/test-post');
    assert.strictEqual(res.status, 200);
    assert.strictEqual(await res.text(), originalPage('POST 1/2',
      '            User address: 127.0.0.1<br />\n' +
      '            <form action="/test-post" method="post">\n' +
      '                First name: <input type="text" name="firstname"><br />\n' +
      '                Last name:  <input type="text" name="lastname"><br />\n' +
      '                <input type="submit" value="OK">\n' +
      '            </form>\n'));
  });

  it('answers the posted form with the original "Hello <first> <last> :)", values escaped', async () => {
    const post = (body) => fetch(demo.url + '/test-post', {
      method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const plain = await post('firstname=Jean&lastname=Dupont');
    assert.strictEqual(plain.status, 200);
    assert.strictEqual(await plain.text(), originalPage('POST 2/2', '            Hello Jean Dupont :)<br />\n'));
    const hostile = await (await post('firstname=%3Cscript%3Ealert(1)%3C%2Fscript%3E&lastname=%22O%27Neil%22+%26+co')).text();
    assert.ok(!hostile.includes('<script>'), hostile);
    assert.match(hostile, /^ {12}Hello &lt;script&gt;alert\(1\)&lt;\/script&gt; (&quot;|&#34;)O(&#39;|&#x27;|&apos;)Neil(&quot;|&#34;) &amp; co :\)<br \/>$/m);
  });

  it('answers 400 to a POST without the form fields', async () => {
    const res = await fetch(demo.url + '/test-post', {
      method: 'POST', body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.strictEqual(res.status, 400);
  });

  it('answers the JSON route with its arguments', async () => {
    const res = await fetch(demo.url + '/api/args/42/Alice?x=1');
    assert.deepStrictEqual(await res.json(), { id: 42, name: 'Alice', query: { x: '1' }, path: '/api/args/42/Alice' });
  });

  it('answers a handler that responds later', async () => {
    assert.deepStrictEqual(await (await fetch(demo.url + '/api/later')).json(), { answeredAfterMs: 100 });
  });

  it('redirects unknown paths to / (NotFoundURL)', async () => {
    const res = await fetch(demo.url + '/nowhere', { redirect: 'manual' });
    assert.strictEqual(res.status, 307);
    assert.strictEqual(res.headers.get('location'), '/');
  });

  it('runs the original chat: welcome, joined, messages to all, left', async () => {
    const url = `ws://127.0.0.1:${demo.port}/wschat`;
    const alice = await openWs(url);
    await waitFor(() => alice.received.length >= 1, 3000, 'the welcome');
    const aliceAddress = `127.0.0.1:${alice._socket.localPort}`;
    assert.deepStrictEqual(alice.received, [`<WELCOME ${aliceAddress}>`]);
    const bob = await openWs(url);
    const bobAddress = `127.0.0.1:${bob._socket.localPort}`;
    await waitFor(() => alice.received.length >= 2 && bob.received.length >= 1, 3000, 'the join');
    assert.strictEqual(alice.received[1], `<${bobAddress} HAS JOINED THE CHAT>`);
    assert.deepStrictEqual(bob.received, [`<WELCOME ${bobAddress}>`], 'no joined line for oneself');
    bob.send('hi all');
    await waitFor(() => alice.received.length >= 3 && bob.received.length >= 2, 3000, 'the broadcast');
    assert.strictEqual(alice.received[2], `<${bobAddress}> hi all`);
    assert.strictEqual(bob.received[1], `<${bobAddress}> hi all`);
    bob.close();
    await bob.closed;
    await waitFor(() => alice.received.length >= 4, 3000, 'the leave');
    assert.strictEqual(alice.received[3], `<${bobAddress} HAS LEFT THE CHAT>`);
    alice.close();
    await alice.closed;
  });

  it('echoes on other paths and logs each accepted WebSocket as the original prints it', async () => {
    const ws = await openWs(`ws://127.0.0.1:${demo.port}/echo`, { origin: 'http://demo.test' });
    ws.send('ping?');
    await waitFor(() => ws.received.length >= 1, 3000, 'the echo');
    assert.deepStrictEqual(ws.received, ['Received "ping?"']);
    const at = demo.logs.lastIndexOf('Example WebSocket accepted:');
    assert.deepStrictEqual(demo.logs.slice(at + 1, at + 4), [
      `   - User   : 127.0.0.1:${ws._socket.localPort}`, '   - Path   : /echo', '   - Origin : http://demo.test',
    ]);
    ws.close();
    await ws.closed;
  });

  describe('the template page www/test.pyhtml (the original\'s, in JavaScript)', () => {
    const page = async (userAgent, query) => {
      const res = await fetch(demo.url + '/test.pyhtml' + (query || ''), { headers: { 'User-Agent': userAgent } });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers.get('content-type'), 'text/html; charset=UTF-8');
      const body = await res.text();
      assert.ok(!body.includes('{{'), 'every instruction was run');
      return body;
    };
    const toto = (body) => Number(/Global var "Toto" : <span class="label">(\d+)<\/span>/.exec(body)[1]);
    const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

    it('shows the TestVar global set by main.js, the platform and the raw print()', async () => {
      const body = await page(CHROME);
      assert.match(body, /Global var "TestVar" : <span class="label">12345<\/span>/);
      assert.match(body, /Platform: NODE_SHIM <br \/>\nVersion: 2v29-shim <br \/>/);
      assert.match(body, /\nUnescaped HTML: <strong><u>Okay<\/u><\/strong>\n/);
    });

    it('counts the requests in Toto, a page global that outlives each request', async () => {
      const first = toto(await page(CHROME));
      assert.ok(first >= 1, String(first));
      assert.strictEqual(toto(await page(FIREFOX)), first + 1);
      assert.strictEqual(toto(await page('curl/8.5.0')), first + 2);
    });

    it('names the browser from the User-Agent: Chrome, Firefox or neither', async () => {
      const branch = (body) => /\n(You are[^\n]*browser\.)\n/.exec(body)[1];
      assert.strictEqual(branch(await page(CHROME)), 'You are on <span class="label">Chrome</span> browser.');
      assert.strictEqual(branch(await page(FIREFOX)), 'You are on <span class="label">Firefox</span> browser.');
      // The original upper-cases the User-Agent before looking.
      assert.strictEqual(branch(await page('x-chrome-lower')), 'You are on <span class="label">Chrome</span> browser.');
      // Chrome is looked for first.
      assert.strictEqual(branch(await page('Firefox Chrome')), 'You are on <span class="label">Chrome</span> browser.');
      assert.strictEqual(branch(await page('curl/8.5.0')), 'You are not on Chrome or Firefox browser.');
      assert.strictEqual(branch(await page('')), 'You are not on Chrome or Firefox browser.');
    });

    it('lists the request\'s fields, HTML-escaped', async () => {
      const body = await page('<b>agent</b> Firefox', '?question=How%20are%20you%3F&x=%3Ci%3E');
      assert.match(body, /<li> IP = 127\.0\.0\.1 <\/li>\n<li> Port = \d+ <\/li>/);
      assert.match(body, /You are in SSL: false<br \/>/);
      assert.match(body, new RegExp(`Your host: 127\\.0\\.0\\.1:${demo.port}<br />`));
      assert.match(body, /Requested path: \/test\.pyhtml<br \/>/);
      assert.match(body, /<li>Param "question" = "How are you\?"<\/li>\s*<li>Param "x" = "&lt;i&gt;"<\/li>/);
      assert.ok(!body.includes('Test query string on this page.'), 'the link only shows without a query');
      assert.match(body, /Your request is keep-alive: true<br \/>/);
      assert.match(body, /Your user agent:<br \/>\n&lt;b&gt;agent&lt;\/b&gt; Firefox\n/);
      const bare = await page('curl/8.5.0');
      assert.match(bare, /<a href="\?question=How%20are%20you\?&amp;answer=I'm%20fine!">Test query string on this page\.<\/a>/);
    });

    it('lists Accept, Accept-Encoding and Accept-Language items', async () => {
      const res = await fetch(demo.url + '/test.pyhtml', {
        headers: { Accept: 'text/html, */*;q=0.8', 'Accept-Encoding': 'gzip, br', 'Accept-Language': 'fr-FR, en' },
      });
      const body = await res.text();
      const items = (title) => {
        const list = new RegExp(`${title}:\\n<ul>([^]*?)</ul>`).exec(body)[1];
        return Array.from(list.matchAll(/<li>([^<]*)<\/li>/g), (m) => m[1]);
      };
      assert.deepStrictEqual(items('Accepted content types'), ['text/html', '*/*;q=0.8']);
      assert.deepStrictEqual(items('Accepted encodings'), ['gzip', 'br']);
      assert.deepStrictEqual(items('Accepted languages'), ['fr-FR', 'en']);
    });
  });

  it('starts with its modules loaded and no uncaught error', () => {
    assert.ok(!demo.logs.some((l) => /not available/.test(l)), demo.logs.join('\n'));
    assert.deepStrictEqual(demo.ctx.uncaught, []);
  });
});
