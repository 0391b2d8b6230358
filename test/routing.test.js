// Routes: registration, resolution, arguments, names and paths, decorators.
'use strict';

const assert = require('assert');
const fc = require('fast-check');
const routing = require('../build/lib/core/routing/WebRoute');

const { RegisterRoute, ResolveRoute, PathFromRoute, WebRoute, ClearRoutes, AllowedMethodsForPath, GET, HEAD, POST } = routing;

describe('routes', () => {
  beforeEach(() => ClearRoutes());

  it('resolves a literal route, with the original RouteResult shape', () => {
    const handler = () => {};
    RegisterRoute(handler, GET, '/my-resource', 'mine');
    const result = ResolveRoute('GET', '/my-resource');
    assert.deepStrictEqual(result, { Handler: handler, Method: 'GET', RoutePath: '/my-resource', Name: 'mine', Args: {} });
    assert.strictEqual(ResolveRoute('GET', '/my-resource/x'), null);
    assert.strictEqual(ResolveRoute('POST', '/my-resource'), null);
  });

  it('extracts arguments: integers for ASCII digits, text kept as sent', () => {
    RegisterRoute(() => {}, GET, '/users/<id>/profile/<property>');
    assert.deepStrictEqual(ResolveRoute('GET', '/users/123/profile/FirstName').Args, { id: 123, property: 'FirstName' });
    assert.deepStrictEqual(ResolveRoute('GET', '/users/4.2/profile/x').Args, { id: '4.2', property: 'x' });
    assert.deepStrictEqual(ResolveRoute('GET', '/users/007/profile/x').Args, { id: 7, property: 'x' });
    assert.deepStrictEqual(ResolveRoute('GET', '/users/%D9%A3/profile/x').Args, { id: '٣', property: 'x' });
    assert.strictEqual(ResolveRoute('GET', '/users//profile/x'), null, 'an argument is never empty');
  });

  it('decodes each argument on its own, so an encoded slash stays inside it', () => {
    RegisterRoute(() => {}, GET, '/files/<name>');
    assert.deepStrictEqual(ResolveRoute('GET', '/files/a%2Fb%20c').Args, { name: 'a/b c' });
    assert.strictEqual(ResolveRoute('GET', '/files/%E0%A4%A'), null, 'malformed escapes do not match');
  });

  it('matches literal segments exactly, tolerating one trailing slash', () => {
    RegisterRoute(() => {}, GET, '/api/json');
    RegisterRoute(() => {}, GET, '/a.b');
    assert.ok(ResolveRoute('GET', '/api/json/'));
    assert.strictEqual(ResolveRoute('GET', '/api/json//'), null);
    assert.strictEqual(ResolveRoute('GET', '/API/json'), null);
    assert.strictEqual(ResolveRoute('GET', '/aXb'), null, 'a dot is not a wildcard');
  });

  it('lets a GET route answer HEAD, but prefers a HEAD route', () => {
    const get = () => {};
    const head = () => {};
    RegisterRoute(get, GET, '/x');
    assert.strictEqual(ResolveRoute('HEAD', '/x').Handler, get);
    RegisterRoute(head, HEAD, '/x');
    assert.strictEqual(ResolveRoute('HEAD', '/x').Handler, head);
  });

  it('treats methods as case-sensitive when resolving', () => {
    RegisterRoute(() => {}, GET, '/x');
    assert.strictEqual(ResolveRoute('get', '/x'), null);
  });

  it('replaces a route registered twice for the same method and path', () => {
    const first = () => {};
    const second = () => {};
    RegisterRoute(first, GET, '/x');
    RegisterRoute(second, 'get', '/x');
    assert.strictEqual(ResolveRoute('GET', '/x').Handler, second);
  });

  it('lists the methods a path has routes for', () => {
    RegisterRoute(() => {}, GET, '/r/<id>');
    RegisterRoute(() => {}, POST, '/r/<id>');
    assert.deepStrictEqual(AllowedMethodsForPath('/r/3'), ['GET', 'POST', 'HEAD']);
    assert.deepStrictEqual(AllowedMethodsForPath('/nothing'), []);
  });

  it('builds paths from named routes, encoding arguments', () => {
    RegisterRoute(() => {}, GET, '/users/<id>/files/<name>', 'userFile');
    assert.strictEqual(PathFromRoute('userFile', { id: 3, name: 'a b/é' }), '/users/3/files/a%20b%2F%C3%A9');
    assert.throws(() => PathFromRoute('userFile', { id: 3 }), /missing argument "name"/);
    assert.throws(() => PathFromRoute('nope'), /no route named/);
  });

  it('round-trips any argument value through PathFromRoute and ResolveRoute', () => {
    RegisterRoute(() => {}, GET, '/v/<value>', 'v');
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (value) => {
      const args = ResolveRoute('GET', PathFromRoute('v', { value })).Args;
      const expected = /^[0-9]{1,15}$/.test(value) ? parseInt(value, 10) : value;
      return args.value === expected;
    }));
  });

  it('rejects bad registrations', () => {
    assert.throws(() => RegisterRoute('nope', GET, '/x'), /handler must be a function/);
    assert.throws(() => RegisterRoute(() => {}, '', '/x'), /method/);
    assert.throws(() => RegisterRoute(() => {}, GET, 'x'), /start with "\/"/);
  });

  describe('WebRoute', () => {
    it('registers a handler given last, with or without a name', () => {
      const a = () => {};
      const b = () => {};
      assert.strictEqual(WebRoute(GET, '/a', a), a);
      WebRoute(POST, '/b', 'bee', b);
      assert.strictEqual(ResolveRoute('GET', '/a').Handler, a);
      assert.strictEqual(ResolveRoute('POST', '/b').Name, 'bee');
    });

    it('works as a decorator on a function and on class methods (legacy and standard forms)', () => {
      const fn = () => {};
      WebRoute(GET, '/decorated')(fn);
      assert.strictEqual(ResolveRoute('GET', '/decorated').Handler, fn);
      const method = () => {};
      const descriptor = { value: method };
      assert.strictEqual(WebRoute(GET, '/legacy', 'legacy')({}, 'method', descriptor), descriptor);
      assert.strictEqual(ResolveRoute('GET', '/legacy').Handler, method);
      const standard = () => {};
      WebRoute(GET, '/standard')(standard, { kind: 'method', name: 'standard' });
      assert.strictEqual(ResolveRoute('GET', '/standard').Handler, standard);
    });
  });
});
