import * as fs from 'fs';
import * as path from 'path';
import { transformSync } from '@swc/core';

/**
 * The runtime import graph of a source tree: for each `.ts` file, the project files it `require`s once
 * type-only imports are erased (swc strips them as the test transform and `tsc` do).
 * Keys and values are paths relative to `root`, without extension (`lib/eso/names`).
 */
export function runtimeImportGraph(root: string, dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(path.join(root, dir))) {
    const source = fs.readFileSync(file, 'utf8');
    const { code } = transformSync(source, {
      filename: file,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    const from = rel(root, file);
    const targets = new Set<string>();
    for (const match of code.matchAll(/require\("(\.[^"]*)"\)/g)) {
      const target = resolve(path.dirname(file), match[1]);
      if (target !== undefined) targets.add(rel(root, target));
    }
    graph.set(from, [...targets].sort());
  }
  return graph;
}

/** Every elementary cycle reported once, as the list of files starting with its smallest name. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const visit = (start: string, node: string, trail: string[], seen: Set<string>) => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const cycle = [...trail];
        const min = cycle.indexOf([...cycle].sort()[0]);
        const rotated = [...cycle.slice(min), ...cycle.slice(0, min)];
        cycles.set(rotated.join(' -> '), rotated);
      } else if (!seen.has(next) && next > start) {
        seen.add(next);
        visit(start, next, [...trail, next], seen);
        seen.delete(next);
      }
    }
  };
  for (const start of [...graph.keys()].sort()) visit(start, start, [start], new Set([start]));
  return [...cycles.values()];
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolve(fromDir: string, spec: string): string | undefined {
  const base = path.resolve(fromDir, spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function rel(root: string, file: string): string {
  return path.relative(root, file).replace(/\\/g, '/').replace(/\.ts$/, '');
}
