#!/usr/bin/env node
// Generates docs/API.md, the API reference, from the declaration files `npm run build` emits
// (build/lib/**/*.d.ts): every exported item of lib/index.ts with its TSDoc. TypeScript 7's tsc
// has no JavaScript API (typedoc and api-extractor need TypeScript 5's), so this reads the .d.ts
// text, which tsc emits in a regular shape: one declaration per statement, members indented.
//
//   node scripts/api-reference.js           write docs/API.md (run `npm run build` first)
//   node scripts/api-reference.js --check   exit 1 when docs/API.md is out of date or an item lacks docs
'use strict';
const fs = require('fs');
const path = require('path');

/** Splits a .d.ts into top-level statements, each with the doc comment before it. */
function statements(text) {
  const out = [];
  let i = 0;
  let doc;
  while (i < text.length) {
    if (/\s/.test(text[i])) { i++; continue; }
    if (text.startsWith('/**', i)) {
      const end = text.indexOf('*/', i);
      doc = text.slice(i, end + 2);
      i = end + 2;
      continue;
    }
    if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      i = text.startsWith('//', i) ? text.indexOf('\n', i) + 1 || text.length : text.indexOf('*/', i) + 2;
      continue;
    }
    const end = statementEnd(text, i);
    out.push({ doc, code: text.slice(i, end).trim() });
    doc = undefined;
    i = end;
  }
  return out;
}

/** The end of the statement starting at `i`: a `;` or a closing `}` at depth 0 (strings skipped). */
function statementEnd(text, i) {
  if (/^(export )?(declare )?(abstract )?(class|interface|enum|namespace)\b/.test(text.slice(i, i + 40))) {
    let depth = 0;
    for (let j = i + bodyStart(text.slice(i)); j < text.length; j++) {
      const c = text[j];
      if (text.startsWith('/*', j)) { j = text.indexOf('*/', j) + 1; continue; }
      if (text.startsWith('//', j)) { j = text.indexOf('\n', j); continue; }
      if (c === '"' || c === "'" || c === '`') { j = skipString(text, j); continue; }
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let depth = 0;
  let sawBody = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"' || c === "'" || c === '`') {
      j = skipString(text, j);
      continue;
    }
    if (text.startsWith('/*', j)) { j = text.indexOf('*/', j) + 1; continue; }
    if (c === '{' || c === '(' || c === '[') { depth++; if (c === '{' && depth === 1) sawBody = true; }
    if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0 && c === '}' && sawBody && !/^\s*[|&[]/.test(text.slice(j + 1, j + 3)) && /^(export )?(declare )?(abstract )?(class|interface|enum|namespace)\b/.test(text.slice(i, i + 40))) return j + 1;
    }
    if (c === ';' && depth === 0) return j + 1;
    if (c === ',' && depth === 0 && /^\s*(\/\*\*|[A-Z_0-9]+\s*=|$)/.test(text.slice(j + 1, j + 40)) && !/^(export|readonly|static|public|protected|private|abstract|get|set|constructor|[a-z])/.test(text.slice(i, i + 12))) return j + 1;
  }
  return text.length;
}

function skipString(text, j) {
  const q = text[j];
  for (let k = j + 1; k < text.length; k++) {
    if (text[k] === '\\') { k++; continue; }
    if (text[k] === q) return k;
  }
  return text.length;
}

/** The text of a doc comment without its delimiters. */
function docText(doc) {
  if (!doc) return '';
  return doc.replace(/^\/\*\*/, '').replace(/\*\/$/, '').split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
}

/** Parses a class, interface or enum statement into its header and members. */
function parseBody(code) {
  const open = bodyStart(code);
  const header = code.slice(0, open).trim();
  const body = code.slice(open + 1, code.lastIndexOf('}'));
  const members = statements(body).map((m) => ({ doc: m.doc, code: m.code.replace(/[;,]$/, '').replace(/\s+/g, ' ').trim() }));
  return { header, members };
}

/** The `{` that opens the body: the first one outside type parameters (`<... { [K in Key]: ... } ...>`). */
function bodyStart(code) {
  let angle = 0;
  let brace = 0;
  for (let j = 0; j < code.length; j++) {
    const c = code[j];
    if (c === '<') angle++;
    else if (c === '>' && code[j - 1] !== '=') angle--;
    else if (c === '{' && angle === 0 && brace === 0) return j;
    else if (c === '{') brace++;
    else if (c === '}') brace--;
  }
  return -1;
}

const KIND = /^export (?:declare )?(abstract class|class|interface|enum|function|const|type|let)\s+([A-Za-z0-9_]+)/;

/** The package's entry points (package.json `exports`) and the index each one loads. */
const ENTRY_POINTS = [
  { name: 'veza-secrets', index: 'index.d.ts', about: 'the generic ESO construct kit: stores, ExternalSecret, catalog, rotation, Vault integration, output, control-plane files, the generic policy pass' },
  { name: 'veza-secrets/veza', index: 'veza/index.d.ts', about: "Veza's application on top of the kit: its catalog, environment files, layout, VezaApp and its rules" },
];

/** The modules of each entry point's index in export order, following `export * from`. */
function modules(buildLib) {
  const order = [];
  // `export * from './x'` re-exports all of x; `export { a, type B } from './x'` only the names listed.
  const visit = (file, entry, only) => {
    order.push({ file, entry, only });
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^export (\*|\{[^}]*\}) from '(.+)';$/gm)) {
      const target = path.resolve(path.dirname(file), m[2]);
      const listed = m[1] === '*' ? undefined : new Set(m[1].slice(1, -1).split(',').map((n) => n.trim().replace(/^type\s+/, '')).filter(Boolean));
      // Through an index that re-exports a module, only what both lists name reaches the entry point.
      const names = only && listed ? new Set([...listed].filter((n) => only.has(n))) : only ?? listed;
      if (names && names.size === 0) continue;
      visit(fs.existsSync(`${target}.d.ts`) ? `${target}.d.ts` : path.join(target, 'index.d.ts'), entry, names);
    }
  };
  for (const entry of ENTRY_POINTS) visit(path.join(buildLib, entry.index), entry);
  return order;
}

function cell(text) {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

/** Renders TSDoc for Markdown: `@default x` and `@see url` become sentences, `{@link X}` a code span. */
function markdownDoc(text) {
  return text
    .replace(/\{@link ([^}]+)\}/g, '`$1`')
    .replace(/@default\s+/g, '\n\n*Default:* ')
    .replace(/@see\s+(\S+)/g, '\n\n*See:* <$1>')
    .trim();
}

function memberName(code) {
  const m = code.match(/^(?:(?:static|readonly|abstract|protected|public|get|set)\s+)*([A-Za-z0-9_$]+|\[[^\]]+\])/);
  return m ? m[1] : code;
}

/** Every exported item of every module, parsed. */
function collect(buildLib) {
  return modules(buildLib).map(({ file, entry, only }) => {
    const rel = `lib/${path.relative(buildLib, file).replace(/\\/g, '/').replace(/\.d\.ts$/, '.ts')}`;
    const items = statements(fs.readFileSync(file, 'utf8')).filter((s) => KIND.test(s.code) && (!only || only.has(s.code.match(KIND)[2]))).map((s) => {
      const [, kind, name] = s.code.match(KIND);
      const item = { kind, name, doc: docText(s.doc), code: s.code };
      if (/class|interface|enum/.test(kind) && s.code.includes('{')) {
        const { header, members } = parseBody(s.code);
        item.header = header;
        item.base = header.match(/\bextends ([A-Za-z0-9_]+)/)?.[1];
        item.members = members.filter((m) => !/^(private|#)/.test(m.code)).map((m) => ({
          name: m.code.startsWith('constructor') ? 'constructor' : memberName(m.code),
          code: m.code,
          doc: docText(m.doc),
        }));
      }
      return item;
    });
    return { rel, items, entry };
  });
}

/**
 * Generates the reference and the list of items missing documentation, from the declaration files
 * of `buildDir` (the build's output folder, `<root>/build` by default).
 */
function generate(root, buildDir = path.join(root, 'build')) {
  const mods = collect(path.join(buildDir, 'lib'));
  const byName = new Map(mods.flatMap((m) => m.items).map((i) => [i.name, i]));
  // An undocumented member takes the doc of the same member of a class it extends (an abstract
  // property implemented), else of its construct's props (`readonly name` set from `props.name`).
  const inheritedDoc = (item, member) => {
    for (let base = byName.get(item.base); base; base = byName.get(base.base)) {
      const doc = base.members?.find((m) => m.name === member.name)?.doc;
      if (doc) return doc;
    }
    if (/class/.test(item.kind) && member.name !== 'constructor') {
      return byName.get(`${item.name}Props`)?.members?.find((m) => m.name === member.name)?.doc ?? '';
    }
    return '';
  };
  const missing = [];
  const lines = [
    '# API reference',
    '',
    'Generated from the TSDoc of `lib/` by `node scripts/api-reference.js` (after `npm run build`); do not edit.',
    'Two entry points: `import { ExternalSecret } from \'veza-secrets\'` and `import { VezaApp } from \'veza-secrets/veza\'`.',
    '',
  ];
  let entryPoint;
  for (const { rel, items, entry } of mods) {
    if (items.length === 0) continue;
    if (entry !== entryPoint) {
      entryPoint = entry;
      lines.push(`**Entry point \`${entry.name}\`**: ${entry.about}.`, '');
    }
    lines.push(`## ${rel}`, '');
    for (const item of items) {
      const { kind, name, doc } = item;
      if (!doc) missing.push(`${rel}: ${name} has no doc comment`);
      if (/class/.test(kind) && !/@see\s/.test(doc)) missing.push(`${rel}: class ${name} has no @see link`);
      lines.push(`### ${kind} \`${name}\``, '');
      if (item.members) {
        lines.push('```ts', item.header, '```', '');
        if (doc) lines.push(markdownDoc(doc), '');
        if (item.members.length > 0) {
          lines.push('| member | signature | description |', '| --- | --- | --- |');
          for (const m of item.members) {
            const mdoc = m.doc || inheritedDoc(item, m);
            if (!mdoc && kind !== 'enum' && m.name !== 'constructor') missing.push(`${rel}: ${name}.${m.name} has no doc comment`);
            // Props and options (what a caller passes) state what an omitted value means; data
            // shapes (what is read or returned) need not.
            if (kind === 'interface' && /(Props|Options)$/.test(name) && /^(readonly )?[A-Za-z0-9_]+\?:/.test(m.code) && !/@default/.test(mdoc)) {
              missing.push(`${rel}: ${name}.${m.name} is optional but has no @default`);
            }
            lines.push(`| \`${cell(m.name)}\` | \`${cell(m.code)}\` | ${cell(markdownDoc(mdoc).replace(/\n\n/g, ' '))} |`);
          }
          lines.push('');
        }
      } else {
        let code = item.code.replace(/^export (declare )?/, '');
        // A constant's inferred type can be pages long (the catalog's literal types): name it only.
        if (kind === 'const' && code.length > 300) code = `${code.slice(0, code.search(/[:=]/))}: ${code.match(/^const \w+: (\w+)/)?.[1] ?? ''}<...>; // full type in the .d.ts`;
        lines.push('```ts', code, '```', '');
        if (doc) lines.push(markdownDoc(doc), '');
      }
    }
  }
  return { markdown: `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`, missing };
}

module.exports = { generate, ENTRY_POINTS };

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const target = path.join(root, 'docs', 'API.md');
  const { markdown, missing } = generate(root);
  for (const m of missing) process.stderr.write(`undocumented: ${m}\n`);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== markdown) process.stderr.write('docs/API.md is out of date: run `npm run build && node scripts/api-reference.js`.\n');
    process.exitCode = current !== markdown || missing.length > 0 ? 1 : 0;
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, markdown);
    process.stdout.write(`wrote docs/API.md (${markdown.length} characters, ${missing.length} undocumented items)\n`);
  }
}
