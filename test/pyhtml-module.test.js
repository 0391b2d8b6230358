'use strict';
// The PyhtmlTemplate module end to end: the built bundles on the Node shim, pages in a temporary
// folder playing the SD card, real loopback sockets and fetch. The compiler has its own unit tests
// (pyhtml-compiler.test.js); here the pages go through HTTP.

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startApp, repoRoot } = require('./helpers/app');
const { exchange, parseResponses } = require('./helpers/raw');
const fc = require('fast-check');
const { compileTemplate } = require('../build/lib/modules/PyhtmlTemplate/compile/compiler');

/** The app every test here runs: the module loaded, debug pages on, one global. */
const APP = `
  var MicroWebSrv2 = lib.MicroWebSrv2, WebRoute = lib.WebRoute;
  var pyhtml = MicroWebSrv2.LoadModule('PyhtmlTemplate');
  pyhtml.ShowDebug = true;
  pyhtml.SetGlobalVar('TestVar', 12345);
  WebRoute(lib.POST, '/form.pyhtml', function (m, request) { request.Response.ReturnOk('route took the POST'); });
  var mws2 = new MicroWebSrv2();
  mws2.SetEmbeddedConfig();
  mws2.BindAddress = ['127.0.0.1', PORT];
  mws2.StartManaged();
`;

/** A fresh folder with www/ holding `pages` (name -> content, written as UTF-8). */
function makeSite(pages) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mws2-pyhtml-'));
  fs.mkdirSync(path.join(root, 'www'));
  for (const name of Object.keys(pages || {})) fs.writeFileSync(path.join(root, 'www', name), pages[name]);
  return root;
}

describe('PyhtmlTemplate module over HTTP (bundles on the shim)', function () {
  this.timeout(20000);
  let app;
  let root;
  const pagePath = (name) => path.join(root, 'www', name);
  const writePage = (name, content) => fs.writeFileSync(pagePath(name), content);
  const get = (urlPath, init) => fetch(app.url + urlPath, init);
  const text = async (urlPath, init) => {
    const res = await get(urlPath, init);
    assert.strictEqual(res.status, 200, `${urlPath}: ${res.status} ${await res.clone().text()}`);
    return res.text();
  };

  before(async () => {
    root = makeSite({
      'hello.pyhtml': '<p>Hello {{ TestVar }}</p>',
      'form.pyhtml': 'a form',
      'style.css': 'body{}',
    });
    app = await startApp(APP, { fsRoot: root });
  });
  after(async () => {
    if (app) await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => {
    app.ctx.run('pyhtml.ShowDebug = true; pyhtml.MaxPageLength = 8 * 1024;');
  });

  describe('HTTP behaviour', () => {
    it('renders a page on GET as text/html UTF-8, not cached, with Content-Length', async () => {
      const res = await get('/hello.pyhtml');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers.get('content-type'), 'text/html; charset=UTF-8');
      assert.strictEqual(res.headers.get('cache-control'), 'no-cache, no-store, must-revalidate');
      assert.strictEqual(res.headers.get('content-length'), '18');
      assert.strictEqual(res.headers.get('transfer-encoding'), null);
      assert.strictEqual(await res.text(), '<p>Hello 12345</p>');
    });

    it('matches the .pyhtml extension case-insensitively, as the original', async () => {
      writePage('Upper.PYHTML', '{{ 1 + 1 }}');
      assert.strictEqual(await text('/Upper.PYHTML'), '2');
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const { data } = await exchange(app.port, 'HEAD /hello.pyhtml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const [res] = parseResponses(data, { headRequests: 1 });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.headers['content-length'], '18');
      assert.strictEqual(res.headers['content-type'], 'text/html; charset=UTF-8');
      assert.ok(data.toString('latin1').endsWith('\r\n\r\n'), 'nothing after the head');
    });

    it('answers POST on a page with 405 and an Allow header', async () => {
      const res = await get('/hello.pyhtml', { method: 'POST', body: 'x=1' });
      assert.strictEqual(res.status, 405);
      const allow = res.headers.get('allow').split(', ');
      assert.ok(allow.includes('GET') && allow.includes('HEAD'), allow.join());
      assert.ok(!allow.includes('POST'));
    });

    it('leaves other methods on a page path to routes and to the core (a POST route, OPTIONS)', async () => {
      const post = await get('/form.pyhtml', { method: 'POST', body: 'x=1' });
      assert.strictEqual(post.status, 200);
      assert.strictEqual(await post.text(), 'route took the POST');
      const options = await get('/hello.pyhtml', { method: 'OPTIONS' });
      assert.strictEqual(options.status, 204);
    });

    it('answers 404 for a missing page', async () => {
      const res = await get('/missing.pyhtml');
      assert.strictEqual(res.status, 404);
    });

    it('redirects a missing page to NotFoundURL when one is set', async () => {
      app.ctx.run(`mws2.NotFoundURL = '/hello.pyhtml';`);
      try {
        const res = await get('/missing.pyhtml', { redirect: 'manual' });
        assert.strictEqual(res.status, 307);
        assert.strictEqual(res.headers.get('location'), '/hello.pyhtml');
      } finally {
        app.ctx.run('mws2.NotFoundURL = null;');
      }
    });

    it('does not serve a page path that escapes the root', async () => {
      fs.writeFileSync(path.join(root, 'secret.pyhtml'), 'secret');
      const { data } = await exchange(app.port, 'GET /../secret.pyhtml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const [res] = parseResponses(data);
      assert.notStrictEqual(res.status, 200);
      assert.ok(!res.body.toString('latin1').includes('secret'));
    });

    it('leaves files of other types to the static file server', async () => {
      const res = await get('/style.css');
      assert.strictEqual(res.status, 200);
      assert.strictEqual(await res.text(), 'body{}');
    });
  });

  describe('the compiler, a part loaded on demand', () => {
    const loaded = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.pyhtml-compile')");
    const filesLoaded = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.files')");
    const waitReleased = async () => {
      for (let i = 0; i < 150 && loaded(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.strictEqual(loaded(), false, 'compiler still loaded');
    };
    before(() => app.ctx.run('lib.partSettings.idleMs = 200'));
    after(() => app.ctx.run('lib.partSettings.idleMs = 10000'));

    it('is loaded to compile a page, released when idle, and cached pages still render without it', async () => {
      writePage('part.pyhtml', '{{ for i in 3 }}[{{ i }}]{{ end }} {{ TestVar }}');
      assert.strictEqual(await text('/part.pyhtml'), '[0][1][2] 12345');
      assert.strictEqual(loaded(), true);
      // The page, used every 50 ms, stays compiled; the compiler, unused, goes.
      for (let i = 0; i < 60 && loaded(); i++) {
        assert.strictEqual(await text('/part.pyhtml'), '[0][1][2] 12345');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.strictEqual(loaded(), false, 'compiler still loaded');
      assert.strictEqual(await text('/part.pyhtml'), '[0][1][2] 12345');
      assert.strictEqual(loaded(), false, 'a cached page needs no compiler');
      // A changed page compiles again, with the compiler read back from Storage.
      writePage('part.pyhtml', '{{ for i in 2 }}<{{ i }}>{{ end }} changed, longer');
      assert.strictEqual(await text('/part.pyhtml'), '<0><1> changed, longer');
      assert.strictEqual(loaded(), true);
    });

    it('serves pages through the render part: loaded by the first page, released with the pages when idle', async () => {
      const rendering = () => app.ctx.run("lib.isPartLoaded('MicroWebSrv2.pyhtml-render')");
      writePage('render.pyhtml', 'render {{ 1 + 2 }}');
      await waitReleased();
      for (let i = 0; i < 50 && rendering(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.strictEqual(rendering(), false, 'not loaded while no page is asked for');
      assert.strictEqual((await text('/style.css')), 'body{}');
      assert.strictEqual(rendering(), false, 'other files do not load it');
      assert.strictEqual(await text('/render.pyhtml'), 'render 3');
      assert.strictEqual(rendering(), true);
      for (let i = 0; i < 100 && rendering(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.strictEqual(rendering(), false, 'released when idle');
      assert.strictEqual(await text('/render.pyhtml'), 'render 3');
    });

    it('releases a compiled page unused for the idle time, and compiles it again when asked', async () => {
      writePage('idle.pyhtml', 'idle {{ 6 * 7 }}');
      assert.strictEqual(await text('/idle.pyhtml'), 'idle 42');
      const kept = () => app.ctx.run("lib.isPartLoaded('pyhtml:' + mws2.ResolvePhysicalPath('/idle.pyhtml'))");
      assert.strictEqual(kept(), true, 'the compiled page is kept');
      await waitReleased();
      for (let i = 0; i < 50 && kept(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.strictEqual(kept(), false, 'the compiled page was released');
      assert.strictEqual(await text('/idle.pyhtml'), 'idle 42');
      assert.strictEqual(loaded(), true, 'compiled again, with the compiler');
    });

    it('answers 503 instead of compiling a page when free memory is short, and compiles it once there is room', async () => {
      await waitReleased();
      app.ctx.run('lib.partSettings.idleMs = 10000');
      writePage('lowmem.pyhtml', '<p>{{ 1 + 1 }}</p>');
      await text('/style.css');
      // Room for a connection (MemoryReserveVars 256 + 60), a request (+250) and the loaded files
      // part, not for the compiler (+400) with the page's copies while it compiles.
      app.ctx.setFreeVars(600);
      try {
        const res = await get('/lowmem.pyhtml');
        assert.strictEqual(res.status, 503);
        assert.strictEqual(res.headers.get('retry-after'), '1');
        await res.text();
        assert.strictEqual(loaded(), false);
        assert.ok(app.logs.some((l) => /Not enough free memory to compile the page/.test(l)));
        // Its memory would have been enough with the files part's: that part was let go to try.
        assert.strictEqual(filesLoaded(), false, 'the files part is released to make room');
      } finally {
        app.ctx.setFreeVars(null);
      }
      assert.strictEqual(await text('/lowmem.pyhtml'), '<p>2</p>');
    });

    it('keeps the files part when even its memory would not be enough to compile', async () => {
      app.ctx.run('lib.partSettings.idleMs = 10000');
      writePage('lowmem2.pyhtml', '<p>{{ 2 + 2 }}</p>' + 'x'.repeat(1000));
      await text('/style.css');
      app.ctx.run("lib.forgetKept('MicroWebSrv2.pyhtml-compile')");
      // Room to answer (256 + 100), not to compile a 1 KB page (256 + the compiler's 400 + five copies
      // of the page) even with the files part's 500 given back.
      app.ctx.setFreeVars(400);
      try {
        const res = await get('/lowmem2.pyhtml');
        assert.strictEqual(res.status, 503);
        await res.text();
        assert.strictEqual(filesLoaded(), true);
      } finally {
        app.ctx.setFreeVars(null);
      }
      assert.strictEqual(await text('/lowmem2.pyhtml'), '<p>4</p>' + 'x'.repeat(1000));
    });

    it('answers 503 when a page outgrows the free memory while it renders', async () => {
      app.ctx.run('lib.partSettings.idleMs = 10000');
      writePage('growing.pyhtml', '{{ for i in 200 }}0123456789{{ end }}');
      assert.strictEqual((await text('/growing.pyhtml')).length, 2000);
      // Compiled and cached: room to answer (256 + 100) but not to hold 1,536 bytes of page (256 + 156).
      app.ctx.setFreeVars(400);
      try {
        const res = await get('/growing.pyhtml');
        assert.strictEqual(res.status, 503);
        await res.text();
        assert.ok(app.logs.some((l) => /Not enough free memory to render the page/.test(l)));
      } finally {
        app.ctx.setFreeVars(null);
      }
      assert.strictEqual((await text('/growing.pyhtml')).length, 2000);
    });

    it('is released as soon as a page is compiled when free memory is short', async () => {
      app.ctx.run("lib.partSettings.idleMs = 10000; lib.forgetKept('MicroWebSrv2.pyhtml-compile')");
      try {
        writePage('roomy.pyhtml', '<p>{{ 2 + 2 }}</p>');
        assert.strictEqual(await text('/roomy.pyhtml'), '<p>4</p>');
        assert.strictEqual(loaded(), true, 'with memory to spare, kept for the next page');
        app.ctx.run("lib.forgetKept('MicroWebSrv2.pyhtml-compile')");
        // Room to load the compiler (256 + 400) but not to keep it (256 + 800).
        app.ctx.setFreeVars(900);
        writePage('tight.pyhtml', '<p>{{ 3 + 3 }}</p>');
        assert.strictEqual(await text('/tight.pyhtml'), '<p>6</p>');
        assert.strictEqual(loaded(), false, 'kept with memory short');
      } finally {
        app.ctx.setFreeVars(null);
        app.ctx.run('lib.partSettings.idleMs = 200');
      }
    });
  });

  describe('instructions over HTTP', () => {
    it('runs a py block and prints raw output from it', async () => {
      writePage('py.pyhtml', '{{ py }}\n var n = 6 * 7;\n print("<i>" + n + "</i>")\n{{ end }}|{{ n }}');
      assert.strictEqual(await text('/py.pyhtml'), '<i>42</i>|42');
    });

    it('picks the branch of if / elif / else', async () => {
      writePage('if.pyhtml', '{{ for v in [1, 2, 3] }}{{ if v === 1 }}one{{ elif v === 2 }}two{{ else }}many{{ end }},{{ end }}');
      assert.strictEqual(await text('/if.pyhtml'), 'one,two,many,');
    });

    it('loops with for over arrays, strings, object keys and counts, nested', async () => {
      writePage('for.pyhtml',
        '{{ for row in [[1, 2], [3]] }}[{{ for cell in row }}{{ cell }}{{ end }}]{{ end }} ' +
        '{{ for c in "ab" }}{{ c }}.{{ end }} {{ for k in {x: 1, y: 2} }}{{ k }}{{ end }} {{ for i in 3 }}{{ i }}{{ end }}');
      assert.strictEqual(await text('/for.pyhtml'), '[12][3] a.b. xy 012');
    });

    it('HTML-escapes expression values, renders nothing for null and undefined, and leaves page text alone', async () => {
      writePage('escape.pyhtml', '<b>{{ "<script>alert(\'x&y\')</script>" }}</b>[{{ null }}][{{ undefined }}][{{ 0 }}]');
      assert.strictEqual(await text('/escape.pyhtml'),
        '<b>&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;</b>[][][0]');
    });

    it('renders UTF-8 page text and expressions (é, €) as UTF-8 bytes', async () => {
      writePage('utf8.pyhtml', 'café {{ "€" + "é".length }} {{ py }}print("naïve"){{ end }}');
      const res = await get('/utf8.pyhtml');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.strictEqual(bytes.toString('hex'), Buffer.from('café €1 naïve', 'utf8').toString('hex'));
      assert.strictEqual(res.headers.get('content-length'), String(bytes.length));
    });

    it('escapes UTF-8 query values read through the Request', async () => {
      writePage('query.pyhtml', '{{ Request.QueryParams.name }}');
      const res = await get('/query.pyhtml?name=%3Cb%3Ecaf%C3%A9%E2%82%AC');
      assert.strictEqual(Buffer.from(await res.arrayBuffer()).toString('utf8'), '&lt;b&gt;café€');
    });
  });

  describe('page variables', () => {
    it('keeps globals a page assigns across requests (a counter)', async () => {
      writePage('counter.pyhtml', '{{ py }} Count = (Count || 0) + 1 {{ end }}{{ Count }}');
      assert.strictEqual(await text('/counter.pyhtml'), '1');
      assert.strictEqual(await text('/counter.pyhtml'), '2');
      assert.strictEqual(await text('/counter.pyhtml'), '3');
      assert.strictEqual(app.ctx.run(`pyhtml.GetGlobalVar('Count')`), 3);
    });

    it('reads values given with SetGlobalVar, also after a change, and GetGlobalVar reads them back', async () => {
      writePage('global.pyhtml', '{{ Color }}');
      app.ctx.run(`pyhtml.SetGlobalVar('Color', 'red')`);
      assert.strictEqual(await text('/global.pyhtml'), 'red');
      app.ctx.run(`pyhtml.SetGlobalVar('Color', 'blue')`);
      assert.strictEqual(await text('/global.pyhtml'), 'blue');
      assert.strictEqual(app.ctx.run(`pyhtml.GetGlobalVar('Color')`), 'blue');
      assert.strictEqual(app.ctx.run(`pyhtml.GetGlobalVar('NeverSet')`), null);
      assert.throws(() => app.ctx.run(`pyhtml.SetGlobalVar('', 1)`), /non-empty string/);
    });

    it('gives pages the Request: method, path, query parameters and headers', async () => {
      writePage('request.pyhtml',
        '{{ Request.Method }} {{ Request.Path }} {{ Request.QueryParams.a }} {{ Request.GetHeader("X-Custom") }} {{ Request.UserAgent }}');
      const body = await text('/request.pyhtml?a=1&b=2', { headers: { 'X-Custom': 'v<1>', 'User-Agent': 'agent/1' } });
      assert.strictEqual(body, 'GET /request.pyhtml 1 v&lt;1&gt; agent/1');
    });

    it('does not keep the Request reachable from the globals after the answer', async () => {
      await text('/hello.pyhtml');
      assert.strictEqual(app.ctx.run(`pyhtml.GetGlobalVar('Request')`), null);
    });
  });

  describe('errors', () => {
    const errorPages = {
      'syntax.pyhtml': 'line 1\nline 2\n{{ 1 + }}\n',
      'noend.pyhtml': 'a\n{{ if true }}\nb\n',
      'throws.pyhtml': 'a\nb\n{{ py }}\nthrow new Error("<boom> & co")\n{{ end }}\n',
      'missing-name.pyhtml': '\n\n\n{{ notDefinedAnywhere.x }}',
    };

    before(() => {
      for (const name of Object.keys(errorPages)) writePage(name, errorPages[name]);
    });

    async function debugPage(name) {
      const res = await get('/' + name);
      assert.strictEqual(res.status, 500);
      assert.strictEqual(res.headers.get('content-type'), 'text/html; charset=UTF-8');
      const body = await res.text();
      assert.ok(!body.includes(root), 'no physical path in: ' + body);
      assert.ok(!body.includes('www/'), 'no physical path in: ' + body);
      assert.ok(body.includes('/' + name), 'names the URL path: ' + body);
      return body;
    }

    it('shows a syntax error with its template line under ShowDebug', async () => {
      const body = await debugPage('syntax.pyhtml');
      assert.match(body, /\(line 3\)/);
    });

    it('shows a missing end with the line of the block it leaves open', async () => {
      const body = await debugPage('noend.pyhtml');
      assert.match(body, /&quot;end&quot; instruction is missing/);
      assert.match(body, /\(line 2\)/);
    });

    it('shows an exception thrown while rendering, HTML-escaped, with its line', async () => {
      const body = await debugPage('throws.pyhtml');
      assert.ok(body.includes('&lt;boom&gt; &amp; co'), body);
      assert.ok(!body.includes('<boom>'), body);
      assert.match(body, /\(line 4\)/);
    });

    it('shows a reference to an unknown name with its line', async () => {
      const body = await debugPage('missing-name.pyhtml');
      assert.match(body, /\(line 4\)/);
    });

    it('answers a plain 500 without ShowDebug and logs the error with its line', async () => {
      app.ctx.run('pyhtml.ShowDebug = false;');
      const before = app.logs.length;
      const res = await get('/throws.pyhtml');
      assert.strictEqual(res.status, 500);
      const body = await res.text();
      assert.ok(!body.includes('boom'), body);
      const logged = app.logs.slice(before).join('\n');
      assert.match(logged, /throws\.pyhtml/);
      assert.match(logged, /boom/);
      assert.match(logged, /line 4/);
    });

    it('keeps serving after template errors, on the same keep-alive connection too', async () => {
      const request = (p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`;
      const { data } = await exchange(app.port, [request('/syntax.pyhtml'), request('/throws.pyhtml'), request('/hello.pyhtml')], { gapMs: 50 });
      const responses = parseResponses(data);
      assert.deepStrictEqual(responses.map((r) => r.status), [500, 500, 200]);
      assert.strictEqual(responses[2].body.toString(), '<p>Hello 12345</p>');
      assert.strictEqual(await text('/hello.pyhtml'), '<p>Hello 12345</p>');
    });

    it('bounds pages to 8 KB by default: 8192 bytes pass, one more byte is a 500', async () => {
      assert.strictEqual(app.ctx.run('pyhtml.MaxPageLength'), 8192);
      writePage('limit.pyhtml', '{{ py }} print(new Array(8192).join("x")) {{ end }}{{ extra }}');
      app.ctx.run(`pyhtml.SetGlobalVar('extra', 'y')`);
      const ok = await get('/limit.pyhtml');
      assert.strictEqual(ok.status, 200);
      assert.strictEqual((await ok.text()).length, 8192);
      app.ctx.run(`pyhtml.SetGlobalVar('extra', 'yz')`);
      const tooBig = await get('/limit.pyhtml');
      assert.strictEqual(tooBig.status, 500);
      assert.match(await tooBig.text(), /MaxPageLength/);
    });

    it('counts MaxPageLength in UTF-8 bytes, not characters', async () => {
      writePage('euros.pyhtml', '{{ for i in 4 }}€{{ end }}');
      app.ctx.run('pyhtml.MaxPageLength = 11;');
      assert.strictEqual((await get('/euros.pyhtml')).status, 500);
      app.ctx.run('pyhtml.MaxPageLength = 12;');
      assert.strictEqual(await text('/euros.pyhtml'), '€€€€');
    });

    it('answers 500 when a page grows past a raised MaxPageLength, then serves smaller pages', async () => {
      writePage('big.pyhtml', '{{ for i in 1000 }}0123456789{{ end }}');
      app.ctx.run('pyhtml.MaxPageLength = 9999;');
      const res = await get('/big.pyhtml');
      assert.strictEqual(res.status, 500);
      assert.match(await res.text(), /MaxPageLength/);
      app.ctx.run('pyhtml.MaxPageLength = 10000;');
      const ok = await get('/big.pyhtml');
      assert.strictEqual(ok.status, 200);
      assert.strictEqual((await ok.text()).length, 10000);
    });

    it('keeps globals assigned before an exception, as the original does', async () => {
      writePage('partial.pyhtml', '{{ py }} Partial = (Partial || 0) + 1; {{ end }}{{ py }} throw new Error("late") {{ end }}');
      assert.strictEqual((await get('/partial.pyhtml')).status, 500);
      assert.strictEqual((await get('/partial.pyhtml')).status, 500);
      assert.strictEqual(app.ctx.run(`pyhtml.GetGlobalVar('Partial')`), 2);
    });
  });

  describe('compilation cache', () => {
    it('reloads a page whose file changed', async () => {
      writePage('reload.pyhtml', 'first {{ 1 }}');
      assert.strictEqual(await text('/reload.pyhtml'), 'first 1');
      writePage('reload.pyhtml', 'second version {{ 2 }}');
      assert.strictEqual(await text('/reload.pyhtml'), 'second version 2');
    });

    it('reuses the compiled page while size and modification time are unchanged', async () => {
      const file = pagePath('cached.pyhtml');
      writePage('cached.pyhtml', 'AAAA {{ 1 }}');
      assert.strictEqual(await text('/cached.pyhtml'), 'AAAA 1');
      const { atime, mtime } = fs.statSync(file);
      writePage('cached.pyhtml', 'BBBB {{ 2 }}');
      fs.utimesSync(file, atime, mtime);
      assert.strictEqual(await text('/cached.pyhtml'), 'AAAA 1', 'the compiled page was reused');
      fs.utimesSync(file, atime, new Date(mtime.getTime() + 10000));
      assert.strictEqual(await text('/cached.pyhtml'), 'BBBB 2', 'a new modification time recompiles');
    });

    it('recompiles a page that had an error once it is fixed', async () => {
      writePage('fixme.pyhtml', '{{ if true }}');
      assert.strictEqual((await get('/fixme.pyhtml')).status, 500);
      writePage('fixme.pyhtml', '{{ if true }}fixed{{ end }}');
      assert.strictEqual(await text('/fixme.pyhtml'), 'fixed');
    });

    it('serves more pages than the cache holds, each with its own content', async () => {
      for (let i = 0; i < 6; i++) writePage(`many${i}.pyhtml`, `page ${i} {{ ${i} * 2 }}`);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 6; i++) assert.strictEqual(await text(`/many${i}.pyhtml`), `page ${i} ${i * 2}`);
      }
    });
  });
});

describe('compileTemplate on page file bytes (the utf8Bytes option the module uses)', () => {
  const render = (source, scope, options) => {
    const pieces = [];
    compileTemplate(source, options).render(scope || {}, (t) => pieces.push(t));
    return pieces.join('');
  };
  const bytesOf = (text) => Buffer.from(text, 'utf8').toString('latin1');

  it('decodes UTF-8 page text and the string literals of page code', () => {
    const source = bytesOf('café {{ "€".length }} {{ py }}print("naïve".length){{ end }}');
    assert.strictEqual(render(source, {}, { utf8Bytes: true }), 'café 1 5');
  });

  it('keeps bytes that are not valid UTF-8 as Latin-1 characters', () => {
    assert.strictEqual(render('\xff\xc3{{ "\xe9" }}', {}, { utf8Bytes: true }), '\xff\xc3\xe9');
  });

  it('renders any text without instructions as it is, from text or from its UTF-8 bytes', () => {
    const text = fc.string({ unit: 'binary', maxLength: 60 })
      .filter((s) => !s.includes('{{') && Buffer.from(s, 'utf8').toString('utf8') === s);
    fc.assert(fc.property(text, (s) => {
      assert.strictEqual(render(s), s);
      assert.strictEqual(render(bytesOf(s), {}, { utf8Bytes: true }), s);
    }));
  });

  it('keeps quotes, backslashes and line ends of page text exactly', () => {
    const source = 'a"b\\c\'d\r\n\u2028e\\"{{ 1 }}\\n';
    assert.strictEqual(render(source), 'a"b\\c\'d\r\n\u2028e\\"1\\n');
  });
});
