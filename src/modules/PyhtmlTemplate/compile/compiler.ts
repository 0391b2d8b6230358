// Compiles a `.pyhtml` page into one JavaScript function, once, so each request only runs it.
//
// The page language is the original MicroWebSrv2's, with JavaScript in place of Python:
//   {{ py }} statements {{ end }}            print(x) inside writes x raw
//   {{ if c }} … {{ elif c }} … {{ else }} … {{ end }}
//   {{ for x in iterable }} … {{ end }}      arrays, strings, object keys, numbers (0..n-1)
//   {{ expression }}                         String(value), HTML-escaped; null/undefined print nothing
//
// Page globals live in a scope object. Espruino offers no `with`, so the generated function starts by
// copying every free name the page uses into a local (`var x = lookup("x")`: scope, then the page
// built-ins, then the global object) and, in a `finally`, copies back the names the page assigns. That
// is why a small scanner below reads the page's code: to tell free names from property names, object
// keys, strings, comments and the page's own declarations.
//
// Tags are closed by the first `}}` outside quotes and outside balanced braces, so `{{ "a}}b" }}` and
// `{{ f({a: {b: 1}}) }}` work. A `{{ py }}` block ends at the first `{{` outside quotes, which must be
// `{{ end }}`. Names starting with `__` are reserved for the generated code.

import { findString } from '../../../core/text/strings';
import { utf8Decode } from '../../../core/text/utf8';
import { CompiledTemplate, TemplateError, TemplateScope, isTemplateError, runtimeError, templateError, templateOf } from '../runtime';

export { CompiledTemplate, TemplateError, TemplateScope, isTemplateError };

type Part = 'text' | 'expr' | 'py' | 'if' | 'elif' | 'else' | 'for' | 'end';
/** `code` is the text, the expression, the statements, the condition or the iterable; `loopName` is set for `for`. */
type PartHandler = (part: Part, code: string, line: number, loopName?: string) => void;

interface OpenBlock { word: string; line: number; sawElse: boolean }

function isIdentifierChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
}

function isIdentifierStart(c: number): boolean {
  return isIdentifierChar(c) && !(c >= 48 && c <= 57);
}

function leadingWord(s: string): string {
  var i = 0;
  while (i < s.length && isIdentifierChar(s.charCodeAt(i))) i++;
  return s.substring(0, i);
}

function countNewlines(s: string, from: number, to: number): number {
  var count = 0;
  var i = s.indexOf('\n', from);
  while (i >= 0 && i < to) {
    count++;
    i = s.indexOf('\n', i + 1);
  }
  return count;
}

// The scanners below jump from one interesting character to the next with global regular expressions
// (`lastIndex`, then `exec`): Espruino runs those natively, where a JavaScript loop per character costs
// tens of microseconds per character on a board.

var QUOTE_ENDS: { [quote: string]: RegExp } = { "'": /['\\\n]/g, '"': /["\\\n]/g, '`': /[`\\]/g };
var TAG_SPECIALS = /['"`{}]/g;
var CODE_SPECIALS = /['"`\/{]/g;

/** Index just after the string literal opening at `i`. A '…' or "…" string stops at a line end, so a
 *  stray apostrophe in page code cannot swallow the rest of the page. */
function skipQuoted(s: string, i: number): number {
  var ends = QUOTE_ENDS[s.charAt(i)];
  ends.lastIndex = i + 1;
  var match: RegExpExecArray | null;
  while ((match = ends.exec(s)) !== null) {
    if (match[0] === '\\') ends.lastIndex = match.index + 2;
    else return match[0] === '\n' ? match.index : match.index + 1;
  }
  return s.length;
}

/** Index of the `}}` closing a tag whose content starts at `i`, or -1. */
function findTagClose(s: string, i: number): number {
  var braces = 0;
  var match: RegExpExecArray | null;
  TAG_SPECIALS.lastIndex = i;
  while ((match = TAG_SPECIALS.exec(s)) !== null) {
    var at = match.index;
    if (match[0] === '{') {
      braces++;
    } else if (match[0] === '}') {
      if (braces === 0 && s.charAt(at + 1) === '}') return at;
      if (braces > 0) braces--;
    } else {
      TAG_SPECIALS.lastIndex = skipQuoted(s, at);
    }
  }
  return -1;
}

/** Index of the `{{` ending the statements of a py block that start at `i`, or -1. Quotes inside
 *  comments are not strings; a `{{` inside a comment still ends the block. */
function findCodeEnd(s: string, i: number): number {
  var match: RegExpExecArray | null;
  CODE_SPECIALS.lastIndex = i;
  while ((match = CODE_SPECIALS.exec(s)) !== null) {
    var at = match.index;
    var next = s.charAt(at + 1);
    if (match[0] === '{') {
      if (next === '{') return at;
    } else if (match[0] === '/') {
      if (next !== '/' && next !== '*') continue;
      var commentEnd = next === '/' ? s.indexOf('\n', at) : findString(s, '*/', at + 2);
      var braces = findString(s, '{{', at);
      if (braces >= 0 && (commentEnd < 0 || braces < commentEnd)) return braces;
      if (commentEnd < 0) return -1;
      CODE_SPECIALS.lastIndex = next === '/' ? commentEnd : commentEnd + 2;
    } else {
      CODE_SPECIALS.lastIndex = skipQuoted(s, at);
    }
  }
  return -1;
}

/** Splits a page into parts and checks their nesting; throws TemplateError. */
function parseTemplate(source: string, onPart: PartHandler): void {
  var open: OpenBlock[] = [];
  var pos = 0;
  var line = 1;
  for (;;) {
    var tagStart = findString(source, '{{', pos);
    var textEnd = tagStart < 0 ? source.length : tagStart;
    if (textEnd > pos) onPart('text', source.substring(pos, textEnd), line);
    line += countNewlines(source, pos, textEnd);
    if (tagStart < 0) break;
    var tagLine = line;
    var tagClose = findTagClose(source, tagStart + 2);
    if (tagClose < 0) throw templateError('"}}" is missing to close "{{"', tagLine);
    var content = source.substring(tagStart + 2, tagClose).trim();
    line += countNewlines(source, tagStart, tagClose);
    pos = tagClose + 2;
    var word = leadingWord(content);
    var rest = content.substring(word.length).trim();
    var top = open.length ? open[open.length - 1] : null;
    if (word === 'py' || word === 'else' || word === 'end') {
      if (rest) throw templateError('"' + word + '" instruction takes nothing after it', tagLine);
    } else if ((word === 'if' || word === 'elif' || word === 'for') && !rest) {
      throw templateError('"' + word + '" instruction needs an expression', tagLine);
    }
    if (word === 'py') {
      var codeEnd = findCodeEnd(source, pos);
      var endClose = codeEnd < 0 ? -1 : findTagClose(source, codeEnd + 2);
      if (endClose < 0 || source.substring(codeEnd + 2, endClose).trim() !== 'end') {
        throw templateError('"end" instruction is missing', tagLine);
      }
      var codeStart = pos;
      while (codeStart < codeEnd && source.charCodeAt(codeStart) <= 32) codeStart++;
      onPart('py', source.substring(pos, codeEnd), line + countNewlines(source, pos, codeStart));
      line += countNewlines(source, pos, endClose);
      pos = endClose + 2;
    } else if (word === 'if') {
      open.push({ word: word, line: tagLine, sawElse: false });
      onPart('if', rest, tagLine);
    } else if (word === 'elif' || word === 'else') {
      if (!top || top.word !== 'if' || top.sawElse) {
        throw templateError('"' + word + '" instruction is not valid here', tagLine);
      }
      top.sawElse = word === 'else';
      onPart(word, rest, tagLine);
    } else if (word === 'for') {
      var loopName = leadingWord(rest);
      var afterName = rest.substring(loopName.length).trim();
      var iterable = afterName.substring(2).trim();
      if (!loopName || !isIdentifierStart(loopName.charCodeAt(0)) || isIn(KEYWORDS, loopName) ||
          afterName.substring(0, 2) !== 'in' ||
          !iterable || isIdentifierChar(afterName.charCodeAt(2))) {
        throw templateError('"for" instruction must read "for <name> in <iterable>"', tagLine);
      }
      open.push({ word: word, line: tagLine, sawElse: false });
      onPart('for', iterable, tagLine, loopName);
    } else if (word === 'end') {
      if (!top) throw templateError('"end" instruction is not valid here', tagLine);
      open.pop();
      onPart('end', '', tagLine);
    } else {
      if (!content) throw templateError('"{{ }}" holds no expression', tagLine);
      onPart('expr', content, tagLine);
    }
  }
  if (open.length) throw templateError('"end" instruction is missing', open[open.length - 1].line);
}

// ---- Free names of the page's code ----

var USED = 1;
var ASSIGNED = 2;
var DECLARED = 4;
var LOOP = 8;
interface NameFlags { [name: string]: number }

// Word lists are space-delimited strings: on Espruino a string costs a few variables where an object
// with one property per word would cost a few per word.
/** Words that are never page globals (the last ones are constants and names a page should not shadow). */
var KEYWORDS = ' break case catch class const continue debugger default delete do else export extends finally' +
  ' for function if import in instanceof new return super switch this throw try typeof var void while with' +
  ' yield let static of async await null true false undefined NaN Infinity arguments eval ';
/** Keywords after which a `/` is a division, not a regular expression. */
var VALUE_KEYWORDS = ' this super null true false undefined NaN Infinity arguments ';
var DECLARING_KEYWORDS = ' var let const function class ';

function isIn(list: string, word: string): boolean {
  return word !== '' && findString(list, ' ' + word + ' ', 0) >= 0;
}

function nextNonSpace(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) <= 32) i++;
  return i;
}

/** True when the operator at `i` (after a name) assigns to that name: = += -= … ++ -- */
function isAssignmentAt(s: string, i: number): boolean {
  i = nextNonSpace(s, i);
  var c = s.charAt(i);
  var d = s.charAt(i + 1);
  if (c === '=') return d !== '=' && d !== '>';
  if ((c === '+' || c === '-') && d === c) return true;
  if (c && '+-*/%&|^'.indexOf(c) >= 0 && d === '=') return true;
  if ((c === '*' || c === '&' || c === '|' || c === '?' || c === '<') && d === c) return s.charAt(i + 2) === '=';
  if (c === '>' && d === '>') return s.charAt(i + 2) === '=' || (s.charAt(i + 2) === '>' && s.charAt(i + 3) === '=');
  return false;
}

function skipRegExp(s: string, i: number): number {
  var inClass = false;
  for (i++; i < s.length; i++) {
    var c = s.charAt(i);
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '\n' || (c === '/' && !inClass)) break;
  }
  i++;
  while (i < s.length && isIdentifierChar(s.charCodeAt(i))) i++;
  return i;
}

var TEMPLATE_SPECIALS = /[`\\$]/g;

/** Index after the literal text of a template literal resumed at `i`: after the closing backtick, or
 *  after a `${` (then the character before the index is `{`). */
function skipTemplateText(s: string, i: number): number {
  var match: RegExpExecArray | null;
  TEMPLATE_SPECIALS.lastIndex = i;
  while ((match = TEMPLATE_SPECIALS.exec(s)) !== null) {
    if (match[0] === '\\') TEMPLATE_SPECIALS.lastIndex = match.index + 2;
    else if (match[0] === '`') return match.index + 1;
    else if (s.charAt(match.index + 1) === '{') return match.index + 2;
  }
  return s.length;
}

function markName(names: NameFlags, name: string, flags: number): void {
  names[name] = (names.hasOwnProperty(name) ? names[name] : 0) | flags;
}

/** One token of page code: a name, a number, `//`, `/*`, `++`, `--`, `...`, or any other visible
 *  character (strings, comments and regular expressions are then skipped by hand). */
var TOKEN = /[A-Za-z_$\x80-\xff][A-Za-z0-9_$\x80-\xff]*|[0-9][A-Za-z0-9_$.]*|\.[0-9][A-Za-z0-9_$.]*|\/\/|\/\*|\+\+|--|\.\.\.|\S/g;

/** Records in `names` the free names `code` reads, assigns or declares. */
function scanNames(code: string, names: NameFlags): void {
  var prev = '';
  var prevIsValue = false;
  var depth = 0;
  var declaringDepth = -1;
  var templateDepths: number[] = [];
  var match: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  while ((match = TOKEN.exec(code)) !== null) {
    var token = match[0];
    var start = match.index;
    var end = start + token.length;
    var c = token.charAt(0);
    if (token === '//' || token === '/*') {
      var commentEnd = token === '//' ? code.indexOf('\n', end) : findString(code, '*/', end);
      TOKEN.lastIndex = commentEnd < 0 ? code.length : commentEnd + (token === '//' ? 0 : 2);
      continue;
    }
    if (isIdentifierStart(token.charCodeAt(0))) {
      if (isIn(KEYWORDS, token)) {
        if (token === 'var' || token === 'let' || token === 'const') declaringDepth = depth;
        else if ((token === 'in' || token === 'of') && declaringDepth === depth) declaringDepth = -1;
        prevIsValue = isIn(VALUE_KEYWORDS, token);
      } else {
        var isProperty = prev === '.';
        var isKey = (prev === '{' || prev === ',') && code.charAt(nextNonSpace(code, end)) === ':';
        if (!isProperty && !isKey && token.substring(0, 2) !== '__') {
          if (isIn(DECLARING_KEYWORDS, prev) || (prev === ',' && declaringDepth === depth)) {
            markName(names, token, DECLARED);
          } else {
            var assigned = prev === '++' || prev === '--' || isAssignmentAt(code, end);
            markName(names, token, assigned ? USED | ASSIGNED : USED);
          }
        }
        prevIsValue = true;
      }
    } else if (c === '"' || c === "'") {
      TOKEN.lastIndex = skipQuoted(code, start);
      prevIsValue = true;
    } else if (c === '`' || (c === '}' && templateDepths.length && templateDepths[templateDepths.length - 1] === depth - 1)) {
      if (c === '}') {
        templateDepths.pop();
        depth--;
      }
      TOKEN.lastIndex = skipTemplateText(code, end);
      prevIsValue = true;
      if (code.charAt(TOKEN.lastIndex - 1) === '{' && code.charAt(TOKEN.lastIndex - 2) === '$') {
        templateDepths.push(depth);
        depth++;
        token = '{';
        prevIsValue = false;
      }
    } else if (c === '/' && !prevIsValue) {
      TOKEN.lastIndex = skipRegExp(code, start);
      prevIsValue = true;
    } else if ((c === '.' && token.length > 1 && token !== '...') || (c >= '0' && c <= '9')) {
      prevIsValue = true;
    } else {
      prevIsValue = c === ')' || c === ']' || c === '}';
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      if (depth < declaringDepth || (c === ';' && declaringDepth === depth)) declaringDepth = -1;
    }
    prev = token;
  }
}

// ---- Code generation ----

/** Normalises what a `for` walks: arrays and strings as they are, numbers as counts, objects as their keys. */
var LITERAL_SPECIALS = /[\\"\n\r]/g;
var LITERAL_ESCAPES: { [char: string]: string } = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' };

function literalEscape(char: string): string {
  return LITERAL_ESCAPES[char];
}

/** A string literal for the generated code. Unlike JSON.stringify on Espruino, it leaves bytes
 *  0x80-0xFF as they are, so UTF-8 bytes in page text stay UTF-8 until the code is decoded. */
function quoteText(text: string): string {
  return '"' + text.replace(LITERAL_SPECIALS, literalEscape) + '"';
}

var NON_ASCII = /[^\x00-\x7f]/;
/** Most boards' strings hold bytes only: page bytes are already what is sent. */
var EIGHT_BIT_STRINGS = '\u0100'.charCodeAt(0) !== 0x100;

/** The generated code with its UTF-8 bytes decoded. Espruino decodes natively where its strings hold
 *  Unicode (E.asUTF8) and runs the bytes as they are where they do not: a character loop there walks
 *  the string for every character. Elsewhere, bytes that are not valid UTF-8 are kept as Latin-1. */
function decodeCode(code: string): string {
  if (!NON_ASCII.test(code)) return code;
  var espruino: any = typeof E !== 'undefined' ? E : null;
  if (espruino !== null && espruino.asUTF8) return espruino.asUTF8(code);
  if (EIGHT_BIT_STRINGS) return code;
  var decoded = utf8Decode(code);
  return decoded === null ? code : decoded;
}

function checkPart(part: Part, code: string, line: number): void {
  if (part === 'text' || part === 'else' || part === 'end') return;
  try {
    new Function(part === 'py' ? code : 'return (' + code + '\n)');
  } catch (e) {
    throw runtimeError(e, line);
  }
}

export interface CompileOptions {
  /** `source` is the page file's bytes, UTF-8 (a binary string): its text and the string literals
   *  of its code are decoded (on Espruino without checking that the bytes are valid UTF-8). */
  utf8Bytes?: boolean;
}

/**
 * Compiles a page once; render it as often as needed:
 * `compileTemplate('<b>{{ name }}</b>').render({ name: 'Ann' }, send)`.
 * Throws TemplateError for an unclosed `{{`, a missing or stray `end`/`elif`/`else`, a `for` without
 * ` in `, and JavaScript syntax errors (on Node; Espruino reads code only as it runs it, so there a
 * syntax error surfaces from `render`, with the line of its piece, after the output before it).
 * Limits: an error inside a py block reports the line where the block's code starts; a name declared
 * anywhere in the page (var, let, const, function, class) or used as a loop variable is local to the
 * whole page, so it neither reads nor writes the scope.
 */
export function compileTemplate(source: string, options?: CompileOptions): CompiledTemplate {
  return templateOf(compilePage(source, options));
}

/** compileTemplate without the render wrapper (runtime.ts templateOf): the page's generated function. */
export function compilePage(source: string, options?: CompileOptions): Function {
  var utf8Bytes = !!(options && options.utf8Bytes);
  var espruino: any = typeof E !== 'undefined' ? E : null;
  if (espruino !== null && espruino.isUTF8 && espruino.isUTF8(source)) {
    // Espruino 2v29's RegExp exec on a UTF-8 string skips matches after lastIndex and reports byte
    // offsets: the scanners read the page as bytes, and the generated code is decoded again.
    source = espruino.toString(espruino.toUint8Array(source));
    utf8Bytes = true;
  }
  var names: NameFlags = {};
  var loops = 0;
  var body = '';
  parseTemplate(source, function (part, code, line, loopName) {
    if (part !== 'text' && part !== 'end' && part !== 'else') scanNames(code, names);
    if (part === 'text') body += '__w(' + quoteText(code) + ');\n';
    else if (part === 'expr') body += '__p.l=' + line + ';__e(__w,(' + code + '\n));\n';
    else if (part === 'py') body += '__p.l=' + line + ';\n' + code + '\n;\n';
    else if (part === 'if') body += '__p.l=' + line + ';if((' + code + '\n)){\n';
    else if (part === 'elif') body += '}else if((__p.l=' + line + ',(' + code + '\n))){\n';
    else if (part === 'else') body += '}else{\n';
    else if (part === 'end') body += '}\n';
    else if (part === 'for') {
      var k = ++loops;
      var o = '__o' + k, n = '__n' + k, i = '__i' + k;
      markName(names, loopName as string, LOOP);
      body += '__p.l=' + line + ';for(' + o + '=__q((' + code + '\n)),' + n + '=typeof ' + o + '=="number"?' + o +
        ':' + o + '.length,' + i + '=0;' + i + '<' + n + ';' + i + '++){' + loopName + '=typeof ' + o +
        '=="number"?' + i + ':' + o + '[' + i + '];\n';
    }
  });

  var locals = '';
  var writeBack = '';
  var keys = Object.keys(names);
  for (var j = 0; j < keys.length; j++) {
    var name = keys[j];
    var flags = names[name];
    if (flags & DECLARED) continue;
    if (flags & LOOP) {
      locals += ',' + name;
      continue;
    }
    locals += ',' + name + '=__r(' + quoteText(name) + ')';
    if (flags & ASSIGNED) writeBack += 'if(' + name + '!==__s.' + name + ')__s.' + name + '=' + name + ';';
  }
  for (var k = 1; k <= loops; k++) locals += ',__o' + k + ',__n' + k + ',__i' + k;
  // The page line being run lives in `__p` rather than in a local: on Espruino a syntax error aborts
  // the parse of the whole try statement, so a catch inside the generated code would never run.
  var code = (locals ? 'var ' + locals.substring(1) + ';\n' : '') +
    (writeBack ? 'try{\n' + body + '}finally{' + writeBack + '}' : body);
  // UTF-8 bytes become text here, once, so that string literals in the page's code are text too.
  if (utf8Bytes) code = decodeCode(code);

  var run: Function;
  try {
    run = new Function('__s', '__w', '__e', '__q', '__r', '__p', code);
  } catch (e) {
    parseTemplate(source, checkPart);
    throw runtimeError(e, 1);
  }
  return run;
}

