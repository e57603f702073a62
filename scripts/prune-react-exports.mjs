// A rollup plugin for the widget's lazy chunk. React ships CommonJS: its production files put their whole API on
// `exports` (React 19.3: 44 names, ReactDOM 15, the scheduler 16), which no bundler can tree-shake, while the chunk uses a handful of them.
// Given the names in use per package, it removes the other `exports.NAME = ...` statements of those files, so terser
// then drops what only they reached (Children, cloneElement, ReactDOM's preload API, hydrateRoot, the scheduler's unstable_next, ...).
//
// Nothing in use can be removed silently: once every module is loaded, the plugin parses each one for how it uses these
// packages (named imports, and member reads of a default or namespace import or of a `require()`), and fails the
// build when a module uses a name that is not kept, or uses a package in a way it cannot follow (destructuring,
// passing the module object on, a re-export, a dynamic import). It also fails when a kept name is no longer exported, or no longer used.
import MagicString from 'magic-string';
import { readFileSync } from 'node:fs';

/**
 * `kept`: `{ [package specifier]: { file: the production file it resolves to (path ending), names: [...], absent?: [...] } }`;
 * `absent`: names a module reads that the production file never exports (they stay undefined, as without the plugin).
 */
export function pruneReactExports(kept) {
  const packages = Object.keys(kept);
  const fileOf = (id) => packages.find((specifier) => id.endsWith(kept[specifier].file));
  return {
    name: 'prune-react-exports',
    transform(code, id) {
      const pkg = fileOf(id);
      if (!pkg) return null;
      const names = new Set(kept[pkg].names);
      const magic = new MagicString(code);
      const found = [];
      for (const node of this.parse(code).body) {
        const assigned = node.type === 'ExpressionStatement' && node.expression.type === 'AssignmentExpression' ? node.expression.left : null;
        if (assigned?.type !== 'MemberExpression' || assigned.object.name !== 'exports' || assigned.computed) continue;
        found.push(assigned.property.name);
        if (!names.has(assigned.property.name)) magic.remove(node.start, node.end);
      }
      const missing = kept[pkg].names.filter((name) => !found.includes(name));
      if (missing.length) this.error(`${pkg} no longer exports ${missing.join(', ')} from ${kept[pkg].file}`);
      const exported = kept[pkg].absent?.filter((name) => found.includes(name)) ?? [];
      if (exported.length) this.error(`${pkg} now exports ${exported.join(', ')} from ${kept[pkg].file}: keep it (rollup.config.mjs)`);
      return { code: magic.toString(), map: magic.generateMap({ hires: true }) };
    },
    buildEnd(error) {
      if (error) return;
      const used = new Set();
      for (const id of this.getModuleIds()) {
        if (id.startsWith('\0')) continue;
        // A package's JavaScript as written (the commonjs plugin rewrites its requires); our TypeScript as esbuild made it.
        const code = /\.[cm]?js$/.test(id) ? readFileSync(id, 'utf8') : this.getModuleInfo(id).code;
        const fail = (message) => this.error(`${id}: ${message}, which prune-react-exports cannot check (rollup.config.mjs)`);
        for (const { pkg, name } of namesUsed(this.parse(code), packages, fail)) {
          if (!kept[pkg].names.includes(name) && !kept[pkg].absent?.includes(name)) this.error(`${id} uses ${pkg}'s ${name}, which prune-react-exports removes: keep it (rollup.config.mjs)`);
          used.add(`${pkg} ${name}`);
        }
      }
      // The list stays exactly what is used: a name nothing uses any more is dropped from it, and its bytes with it.
      const listed = (pkg) => [...kept[pkg].names, ...(kept[pkg].absent ?? [])];
      const unused = packages.flatMap((pkg) => listed(pkg).filter((name) => !used.has(`${pkg} ${name}`)).map((name) => `${pkg}'s ${name}`));
      if (unused.length) this.error(`no module uses ${unused.join(', ')}: take it out of the kept names (rollup.config.mjs)`);
    },
  };
}

/**
 * Every `{ pkg, name }` a module reads from `packages`: named imports, and member reads (`React.useRef`) of a default
 * or namespace import or a `const React = require(...)`. `fail` for any other use of those packages or bindings.
 */
function namesUsed(ast, packages, fail) {
  const used = [];
  const locals = new Map();
  const bindings = new Set();
  walk(ast, null, (node, parent) => {
    if ((node.type === 'ImportDeclaration' || node.type.startsWith('Export')) && packages.includes(node.source?.value)) {
      if (node.type !== 'ImportDeclaration') return fail(`it re-exports ${node.source.value}`);
      for (const spec of node.specifiers) {
        if (spec.type === 'ImportSpecifier') used.push({ pkg: node.source.value, name: spec.imported.name });
        else locals.set(spec.local.name, node.source.value);
        bindings.add(spec.local);
      }
    }
    const required = node.type === 'CallExpression' && node.callee.name === 'require' ? node.arguments[0]?.value : node.type === 'ImportExpression' ? node.source.value : undefined;
    if (packages.includes(required)) {
      if (node.type === 'ImportExpression' || parent?.type !== 'VariableDeclarator' || parent.id.type !== 'Identifier') return fail(`it loads ${required} other than as \`const x = require()\``);
      locals.set(parent.id.name, required);
      bindings.add(parent.id);
    }
  });
  walk(ast, null, (node, parent) => {
    if (node.type !== 'Identifier' || !locals.has(node.name) || bindings.has(node)) return;
    // A property name that merely equals the binding's (`x.React`, `{ React: 1 }`) is not a use of it.
    if (!parent?.computed && ((parent?.type === 'MemberExpression' && parent.property === node) || (parent?.type === 'Property' && parent.key === node && !parent.shorthand))) return;
    if (parent?.type !== 'MemberExpression' || parent.object !== node || parent.computed) return fail(`${node.name} (${locals.get(node.name)}) is used other than by reading a member`);
    used.push({ pkg: locals.get(node.name), name: parent.property.name });
  });
  return used;
}

/** Calls `visit(node, parent)` for every node of an ESTree AST. */
function walk(node, parent, visit) {
  visit(node, parent);
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child.type === 'string') walk(child, node, visit);
    }
  }
}
