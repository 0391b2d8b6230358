'use strict';
// The .pyhtml page compiler, fed page sources as strings: instructions, escaping, scope handling
// and error lines. No HTTP here; the module serving pages is tested on its own.

const assert = require('assert');
const fc = require('fast-check');
const { compileTemplate, isTemplateError } = require('../build/lib/modules/PyhtmlTemplate/compile/compiler');
const { htmlEscape } = require('../build/lib/core/text/html');

/** Renders `source` with `scope` and returns everything written, joined. */
function render(source, scope) {
  const pieces = [];
  compileTemplate(source).render(scope || {}, (text) => pieces.push(text));
  return pieces.join('');
}

/** Runs `fn`, which must throw a TemplateError, and returns that error. */
function templateErrorOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(isTemplateError(e), `expected a TemplateError, got ${e && e.stack}`);
    return e;
  }
  assert.fail('expected a TemplateError, nothing was thrown');
}

function compileErrorOf(source) {
  return templateErrorOf(() => compileTemplate(source));
}

function renderErrorOf(source, scope) {
  const page = compileTemplate(source);
  return templateErrorOf(() => page.render(scope || {}, () => {}));
}

const { withEspruinoIndexOf } = require('./helpers/espruino-quirks');

describe('htmlEscape', () => {
  it('replaces & < > " \' with &amp; &lt; &gt; &quot; &#39;', () => {
    assert.strictEqual(htmlEscape('a&b<c>d"e\'f'), 'a&amp;b&lt;c&gt;d&quot;e&#39;f');
    assert.strictEqual(htmlEscape('&&'), '&amp;&amp;');
  });

  it('returns text without those characters unchanged', () => {
    assert.strictEqual(htmlEscape(''), '');
    assert.strictEqual(htmlEscape('plain text \x00\xff\n;#'), 'plain text \x00\xff\n;#');
  });

  it('produces text without markup characters that unescapes back to the input', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", 'a', ';', '#', '\xe9') }), (s) => {
      const escaped = htmlEscape(s);
      assert.ok(!/[<>"']/.test(escaped));
      const back = escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'").replace(/&amp;/g, '&');
      assert.strictEqual(back, s);
    }));
  });
});

describe('compileTemplate', () => {
  describe('static text', () => {
    it('renders any text without "{{" as itself', () => {
      const text = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: fc.constantFrom('{', '}', '"', "'", '`', '\\', '\n', '\r', '/', '*', 'a', '\u2028', '\x00', '\xff') }));
      fc.assert(fc.property(text.filter((s) => s.indexOf('{{') < 0), (s) => {
        assert.strictEqual(render(s), s);
      }));
    });

    it('renders text ending in a single "{" as text under Espruino\'s indexOf', () => {
      assert.strictEqual(withEspruinoIndexOf(() => render('a{')), 'a{');
      assert.strictEqual(withEspruinoIndexOf(() => render('{{ 1 }}b{')), '1b{');
      assert.strictEqual(withEspruinoIndexOf(() => render('{{ py }}print(1){{ end }}{')), '1{');
    });

    it('writes the output in pieces, in page order', () => {
      const pieces = [];
      compileTemplate('<p>{{ a }}</p>{{ py }}print("x"){{ end }}.').render({ a: 1 }, (t) => pieces.push(t));
      assert.deepStrictEqual(pieces, ['<p>', '1', '</p>', 'x', '.']);
    });

    it('keeps CR, LF and non-ASCII bytes of the text byte for byte', () => {
      assert.strictEqual(render('\r\n\xc3\xa9\t{{ 1 }}\x00\xff'), '\r\n\xc3\xa9\t1\x00\xff');
    });
  });

  describe('{{ expression }}', () => {
    it('writes String(value) HTML-escaped', () => {
      assert.strictEqual(render('{{ s }}|{{ 40 + 2 }}|{{ [1, 2] }}', { s: '<a href="x">&\'' }),
        '&lt;a href=&quot;x&quot;&gt;&amp;&#39;|42|1,2');
    });

    it('renders null and undefined as nothing, without calling write', () => {
      const pieces = [];
      compileTemplate('{{ null }}{{ undefined }}{{ nothing }}{{ o.missing }}').render({ o: {} }, (t) => pieces.push(t));
      assert.deepStrictEqual(pieces, []);
    });

    it('renders 0, false and NaN as text', () => {
      assert.strictEqual(render('{{ 0 }} {{ false }} {{ 0 / 0 }}'), '0 false NaN');
    });

    it('escapes any string value', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
        assert.strictEqual(render('[{{ v }}]', { v: s }), '[' + htmlEscape(s) + ']');
      }));
    });

    it('supports "}}" inside a string literal of the expression', () => {
      assert.strictEqual(render('{{ "a}}b" }}'), 'a}}b');
      assert.strictEqual(render("{{ 'x}}' + `}}y` }}"), 'x}}}}y');
      assert.strictEqual(render('{{ "a\\"}}b" }}'), 'a&quot;}}b');
      assert.strictEqual(render('{{ "\\\\" + "}}" }}'), '\\}}');
    });

    it('supports object literals, whose braces may end in "}}"', () => {
      assert.strictEqual(render('{{ JSON.stringify({a: {b: 1}}) }}'), '{&quot;a&quot;:{&quot;b&quot;:1}}');
    });

    it('accepts an expression spanning lines and ending in a line comment', () => {
      assert.strictEqual(render('{{ a +\n b // sum\n}}', { a: 1, b: 2 }), '3');
    });

    it('reads template literals with ${} substitutions', () => {
      assert.strictEqual(render('{{ `n=${n + 1}` }}', { n: 1 }), 'n=2');
    });
  });

  describe('{{ py }} ... {{ end }}', () => {
    it('runs statements; print writes its arguments raw, joined by spaces', () => {
      assert.strictEqual(render('{{ py }}print("<i>raw</i>", 1, null){{ end }}'), '<i>raw</i> 1 null');
    });

    it('lets later pieces use the variables and functions it declares', () => {
      const page = '{{ py }}\nfunction square(n) { return n * n }\nvar total = 0\n' +
        'for (var i = 0; i < 4; i++) total += square(i)\n{{ end }}{{ total }}';
      assert.strictEqual(render(page), '14');
    });

    it('offers escape() to print escaped text', () => {
      assert.strictEqual(render('{{ py }}print(escape("<b>")){{ end }}'), '&lt;b&gt;');
    });

    it('keeps "{{" inside a string of the code', () => {
      assert.strictEqual(render('{{ py }} print("{{ x }}") {{ end }}'), '{{ x }}');
      assert.strictEqual(render("{{ py }} print('it\\'s {{ x }}') {{ end }}"), "it's {{ x }}");
    });

    it('ends at the {{ end }} after line and block comments, quotes in comments included', () => {
      assert.strictEqual(render("{{ py }}x = 1 // don't\n{{ end }}{{ x }}"), '1');
      assert.strictEqual(render("{{ py }}y = 2 /* it's */// z\n{{ end }}{{ y }}"), '2');
      assert.strictEqual(render('{{ py }}z = 3 // {{ end }}{{ z }}'), '3');
    });

    it('renders nothing for an empty block', () => {
      assert.strictEqual(render('a{{ py }}{{ end }}b{{ py }}\n  \n{{ end }}c'), 'abc');
    });

    it('can break out of a for instruction around it', () => {
      assert.strictEqual(render('{{ for x in 5 }}{{ py }}if (x == 3) break{{ end }}{{ x }}{{ end }}'), '012');
    });
  });

  describe('{{ if }} {{ elif }} {{ else }}', () => {
    const page = '{{ if x == 1 }}one{{ elif x == 2 }}two{{ elif x == 3 }}three{{ else }}other{{ end }}';

    it('renders the first branch whose condition holds', () => {
      assert.strictEqual(render(page, { x: 1 }), 'one');
      assert.strictEqual(render(page, { x: 2 }), 'two');
      assert.strictEqual(render(page, { x: 3 }), 'three');
      assert.strictEqual(render(page, { x: 4 }), 'other');
    });

    it('renders nothing when no branch holds and there is no else', () => {
      assert.strictEqual(render('a{{ if x }}b{{ elif y }}c{{ end }}d', { x: 0, y: '' }), 'ad');
    });

    it('treats an undefined name as false, without a ReferenceError', () => {
      assert.strictEqual(render('{{ if name }}yes{{ else }}no{{ end }}'), 'no');
    });

    it('knows True, False and None as aliases of true, false and null', () => {
      assert.strictEqual(render('{{ if True }}T{{ end }}{{ if False }}F{{ end }}{{ if v == None }}N{{ end }}{{ True }}',
        { v: null }), 'TNtrue');
      assert.strictEqual(render('{{ None }}'), '');
    });
  });

  describe('{{ for x in iterable }}', () => {
    it('walks the elements of an array', () => {
      assert.strictEqual(render('{{ for c in items }}[{{ c }}]{{ end }}', { items: ['a', '<b>', 'c'] }),
        '[a][&lt;b&gt;][c]');
    });

    it('walks the characters of a string', () => {
      assert.strictEqual(render('{{ for ch in "abc" }}<{{ ch }}>{{ end }}'), '<a><b><c>');
    });

    it('walks the own keys of an object, like a Python dict', () => {
      const Base = function () { this.own = 1; };
      Base.prototype.inherited = 2;
      assert.strictEqual(render('{{ for k in o }}{{ k }}={{ o[k] }};{{ end }}', { o: { a: 1, b: 2 } }), 'a=1;b=2;');
      assert.strictEqual(render('{{ for k in o }}{{ k }}{{ end }}', { o: new Base() }), 'own');
    });

    it('walks 0..n-1 for a number n', () => {
      assert.strictEqual(render('{{ for i in 4 }}{{ i }}{{ end }}'), '0123');
      assert.strictEqual(render('{{ for i in 0 }}{{ i }}{{ end }}'), '');
    });

    it('renders nothing for an empty iterable', () => {
      assert.strictEqual(render('a{{ for x in [] }}x{{ end }}{{ for x in "" }}x{{ end }}{{ for x in {} }}x{{ end }}b'), 'ab');
    });

    it('nests: a for inside an if inside a for', () => {
      const page = '{{ for a in 3 }}{{ if a }}{{ for b in "xy" }}{{ a }}{{ b }},{{ end }}{{ else }}zero;{{ end }}{{ end }}';
      assert.strictEqual(render(page), 'zero;1x,1y,2x,2y,');
    });

    it('nests loops over the same variable name', () => {
      assert.strictEqual(render('{{ for i in 2 }}({{ for i in "ab" }}{{ i }}{{ end }}){{ end }}'), '(ab)(ab)');
    });
  });

  describe('scope', () => {
    it('keeps an assigned global across renders on the same scope object', () => {
      const page = compileTemplate('{{ py }} Toto = (Toto || 0) + 1 {{ end }}Toto={{ Toto }}');
      const scope = {};
      const out = [];
      page.render(scope, (t) => out.push(t));
      page.render(scope, (t) => out.push(t));
      assert.strictEqual(out.join(''), 'Toto=1Toto=2');
      assert.deepStrictEqual(scope, { Toto: 2 });
    });

    it('writes back ++, -- and compound assignments', () => {
      const scope = { a: 1, b: 1, c: 10, d: 'x' };
      render('{{ py }}a++; --b; c *= 2; d += "y"{{ end }}', scope);
      assert.deepStrictEqual(scope, { a: 2, b: 0, c: 20, d: 'xy' });
    });

    it('writes back assignments made before a runtime error', () => {
      const scope = {};
      renderErrorOf('{{ py }}Count = 1; null.x{{ end }}', scope);
      assert.deepStrictEqual(scope, { Count: 1 });
    });

    it('does not leak declared names, loop variables or function parameters into the scope', () => {
      const scope = { keep: 1 };
      const page = '{{ py }} var a = 1, b = 2; let c = 3; const d = 4; function f(p) { p = 5; var q = p; return q }' +
        ' f(1) {{ end }}{{ for x in 2 }}{{ x }}{{ end }}{{ a }}{{ b }}{{ c }}{{ d }}';
      assert.strictEqual(render(page, scope), '011234');
      assert.deepStrictEqual(scope, { keep: 1 });
    });

    it('does not add a scope entry for a name the page only reads', () => {
      const scope = {};
      render('{{ if missing }}x{{ end }}{{ Math.max(1, 2) }}', scope);
      assert.deepStrictEqual(scope, {});
    });

    it('changes objects of the scope in place', () => {
      const scope = { names: ['a'], obj: {} };
      render('{{ py }} names.push("b"); obj.k = 1 {{ end }}', scope);
      assert.deepStrictEqual(scope, { names: ['a', 'b'], obj: { k: 1 } });
    });

    it('prefers scope values to globals and to the page built-ins', () => {
      assert.strictEqual(render('{{ Math }} {{ None }} {{ escape }}', { Math: 'm', None: 'n', escape: 'e' }), 'm n e');
    });

    it('reads the global object for names absent from the scope', () => {
      assert.strictEqual(render('{{ Math.max(3, 9) }} {{ parseInt("12") }} {{ JSON.stringify([1]) }}'), '9 12 [1]');
    });

    it('looks up free names only, not properties, object keys, strings, comments or regexp text', () => {
      const asked = [];
      const scope = new Proxy({ o: { p: 1 }, n: 2 }, {
        has(target, name) {
          asked.push(name);
          return name in target;
        }
      });
      const page = '{{ py }}\nvar t = { key: n, "quoted": 1, other: o.p ? n : 0 } // comment word\n' +
        '/* block word */ var s = "string word" + \'single word\' + `tpl word ${ n }`\n' +
        'var r = /regex word/g.test(s)\n{{ end }}{{ o.p }}{{ t.key }}';
      assert.strictEqual(render(page, scope), '12');
      assert.deepStrictEqual(asked.sort(), ['n', 'o']);
    });
  });

  describe('instruction tags', () => {
    it('accepts instruction words with any surrounding whitespace', () => {
      assert.strictEqual(render('{{py}}print(1){{end}}{{  py }}print(2){{  end }}{{\tif x\t}}3{{\nelse\n}}4{{ end\n}}',
        { x: 1 }), '123');
      assert.strictEqual(render('{{for  i  in  2}}{{i}}{{end}}{{ if(x) }}y{{ elif(0) }}{{ end }}', { x: 1 }), '01y');
    });

    it('reads words that only start like an instruction as expressions', () => {
      assert.strictEqual(render('{{ endDate }} {{ ifx }} {{ format }} {{ python }}',
        { endDate: 1, ifx: 2, format: 3, python: 4 }), '1 2 3 4');
    });
  });

  describe('errors', () => {
    it('reports a missing end at the line of the opening instruction', () => {
      for (const [page, line] of [['a\n{{ if x }}\nb', 2], ['\n\n{{ for x in y }}', 3], ['{{ py }}\nx = 1\n', 1],
        ['{{ if a }}\n{{ for x in y }}{{ end }}\n', 1], ['{{ if a }}{{ end }}\n{{ if b }}{{ for x in y }}\n{{ end }}', 2]]) {
        const e = compileErrorOf(page);
        assert.deepStrictEqual([e.message, e.line], ['"end" instruction is missing', line], page);
      }
    });

    it('reports an end, elif or else without its opening', () => {
      for (const [page, word, line] of [['a\n{{ end }}', 'end', 2], ['{{ else }}', 'else', 1],
        ['{{ for x in y }}\n{{ else }}{{ end }}', 'else', 2], ['{{ if a }}{{ else }}\n{{ elif b }}{{ end }}', 'elif', 2],
        ['{{ if a }}{{ else }}{{ else }}{{ end }}', 'else', 1], ['{{ if a }}{{ end }}{{ end }}', 'end', 1]]) {
        const e = compileErrorOf(page);
        assert.deepStrictEqual([e.message, e.line], ['"' + word + '" instruction is not valid here', line], page);
      }
    });

    it('reports an unclosed "{{" at its line', () => {
      const e = compileErrorOf('a\nb {{ x \n c');
      assert.deepStrictEqual([e.message, e.line], ['"}}" is missing to close "{{"', 2]);
    });

    it('reports a for without " in "', () => {
      for (const page of ['{{ for x }}{{ end }}', '{{ for x of y }}{{ end }}', '{{ for x inside }}{{ end }}',
        '{{ for in y }}{{ end }}', '{{ for if in y }}{{ end }}', '{{ for x in }}{{ end }}']) {
        assert.strictEqual(compileErrorOf(page).message, '"for" instruction must read "for <name> in <iterable>"', page);
      }
    });

    it('reports words after py, else or end, and if or elif without a condition', () => {
      assert.strictEqual(compileErrorOf('{{ py x }}{{ end }}').message, '"py" instruction takes nothing after it');
      assert.strictEqual(compileErrorOf('{{ if }}{{ end }}').message, '"if" instruction needs an expression');
      assert.strictEqual(compileErrorOf('{{ }}').message, '"{{ }}" holds no expression');
    });

    it('reports a JavaScript syntax error in a py block at the line of its code', () => {
      const e = compileErrorOf('<p>\n{{ py }}\nx = = 1\n{{ end }}');
      assert.strictEqual(e.line, 3);
      assert.ok(/token/i.test(e.message), e.message);
    });

    it('reports a JavaScript syntax error in an expression or condition at its line', () => {
      assert.strictEqual(compileErrorOf('a\n{{ 1 + }}').line, 2);
      assert.strictEqual(compileErrorOf('a\nb\n{{ if (x }}{{ end }}').line, 3);
      assert.strictEqual(compileErrorOf('{{ if x }}\n{{ elif y y }}{{ end }}').line, 2);
    });

    it('reports a runtime exception at its line with the engine message', () => {
      const e = renderErrorOf('a\nb\nc\n{{ o.missing.deep }}', { o: {} });
      assert.strictEqual(e.line, 4);
      assert.strictEqual(e.message, new Function('try { ({}).missing.deep } catch (e) { return e.message }')());
    });

    it('reports an exception thrown in a py block at the line of the block code', () => {
      const e = renderErrorOf('{{ if 1 }}\n{{ py }}\n\n\n  throw new Error("boom")\n{{ end }}{{ end }}');
      assert.deepStrictEqual([e.message, e.line], ['boom', 5]);
    });

    it('reports an exception in an elif condition and in a for iterable at their lines', () => {
      assert.strictEqual(renderErrorOf('{{ if 0 }}\n{{ elif f() }}{{ end }}').line, 2);
      const e = renderErrorOf('\n\n{{ for x in nothing }}{{ end }}');
      assert.deepStrictEqual([e.message, e.line], ['undefined is not iterable', 3]);
    });

    it('turns non-Error throws into a message', () => {
      assert.strictEqual(renderErrorOf('{{ py }}throw "plain"{{ end }}').message, 'plain');
    });

    it('shows message and line when converted to a string', () => {
      assert.strictEqual(String(compileErrorOf('\n{{ end }}')), 'TemplateError: "end" instruction is not valid here (line 2)');
    });

    it('isTemplateError tells TemplateErrors from other values', () => {
      assert.strictEqual(isTemplateError(compileErrorOf('{{ end }}')), true);
      assert.strictEqual(isTemplateError(new Error('x')), false);
      assert.strictEqual(isTemplateError(null), false);
      assert.strictEqual(isTemplateError({ name: 'TemplateError', message: 'm', line: 1 }), true);
    });
  });
});
