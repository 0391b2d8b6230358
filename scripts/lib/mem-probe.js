// Espruino-side helpers for `npm run mem`: code sent to the interpreter to break a connection's
// memory down by object. Each object's "own" size is measured as the variables a copy of its own
// properties takes (strings counted with E.getSizeOf; objects it points to are measured on their
// own, functions and shared objects not at all). Plain ES5 on one line per statement: it goes
// through the REPL.
'use strict';

/**
 * Defines `__mws2own(o)` -> vars of o's own properties, and `__mws2tree(o, skip, depth)` -> a tree
 * { own, kids: { name: tree } } descending into objects not in `skip` (an array of shared objects).
 */
const DEFINE_HELPERS = [
  'function __mws2own(o){var strs=0,k,v,c={},u0=process.memory().usage;' +
    'for(k in o){if(!o.hasOwnProperty(k))continue;v=o[k];' +
    'if(typeof v==="string"){strs+=E.getSizeOf(v);c[k]=null}else if(v!==null&&(typeof v==="object"||typeof v==="function"))c[k]=null;else c[k]=v}' +
    'var u1=process.memory().usage;c=undefined;return u1-u0+strs}',
  'function __mws2tree(o,skip,depth){var t={own:__mws2own(o),kids:{}},k,v;if(depth<=0)return t;' +
    'for(k in o){if(!o.hasOwnProperty(k))continue;v=o[k];' +
    'if(v!==null&&typeof v==="object"&&skip.indexOf(v)<0){skip.push(v);t.kids[k]=__mws2tree(v,skip,depth-1)}}return t}',
];

/** Removes what DEFINE_HELPERS defined (it takes variables of the board under test). */
const REMOVE_HELPERS = 'delete global.__mws2own;delete global.__mws2tree';

/** Expression: the tree of connection `index` of the demo's server (global `mws2`). */
function connectionTreeExpression(index) {
  return '(function(){var c=mws2.pool.connections[' + index + '];if(!c)return null;' +
    'var skip=[c,mws2,mws2.pool,global];' +
    'return __mws2tree(c,skip,5)})()';
}

/** Sum of a tree's own sizes. */
function treeTotal(tree) {
  if (!tree) return 0;
  let total = tree.own;
  for (const k of Object.keys(tree.kids)) total += treeTotal(tree.kids[k]);
  return total;
}

/** Lines `name  vars` for a tree, children indented, largest first; `names` maps shortened property
 *  names back to those of src/ (dist/mangled-names.json). */
function formatTree(tree, name, indent, names) {
  indent = indent || '';
  names = names || {};
  const lines = [indent + name + ': ' + tree.own + ' own' + (Object.keys(tree.kids).length ? ', ' + treeTotal(tree) + ' with what it holds' : '')];
  const kids = Object.keys(tree.kids).sort((a, b) => treeTotal(tree.kids[b]) - treeTotal(tree.kids[a]));
  for (const k of kids) lines.push.apply(lines, formatTree(tree.kids[k], names[k] || k, indent + '  ', names));
  return lines;
}

module.exports = { REMOVE_HELPERS, DEFINE_HELPERS, connectionTreeExpression, treeTotal, formatTree };
