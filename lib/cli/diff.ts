import type { RenderedFile } from '../output/synthesize';
import type { Style } from './io';

/** One line of a line diff. */
export interface DiffLine {
  /** `' '` kept, `'+'` added, `'-'` removed. */
  readonly op: ' ' | '+' | '-';
  /** The line, without its newline. */
  readonly text: string;
}

/** How one file of dist/ would change. */
export interface FileChange {
  /** The path below dist/. */
  readonly path: string;
  /** What synth would do to it. */
  readonly status: 'added' | 'removed' | 'changed';
  /** The line diff (for added and removed files, every line). */
  readonly lines: DiffLine[];
  /** Whether only the executable bit changes. */
  readonly modeOnly: boolean;
}

/** The changes that writing `after` over `before` would make, sorted by path. */
export function diffFiles(before: RenderedFile[], after: RenderedFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const changes: FileChange[] = [];
  for (const f of after) {
    const o = old.get(f.path);
    if (!o) changes.push({ path: f.path, status: 'added', lines: lineDiff('', f.content), modeOnly: false });
    else if (o.content !== f.content || o.executable !== f.executable) {
      changes.push({ path: f.path, status: 'changed', lines: lineDiff(o.content, f.content), modeOnly: o.content === f.content });
    }
  }
  const now = new Set(after.map((f) => f.path));
  for (const o of before) if (!now.has(o.path)) changes.push({ path: o.path, status: 'removed', lines: lineDiff(o.content, ''), modeOnly: false });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A line diff by longest common subsequence (the files of dist/ are small). */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const y = b === '' ? [] : b.replace(/\n$/, '').split('\n');
  // lcs[i][j]: length of the LCS of x[i..] and y[j..].
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push({ op: ' ', text: x[i] });
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push({ op: '-', text: x[i++] });
    } else {
      out.push({ op: '+', text: y[j++] });
    }
  }
  return out;
}

/** A change as text: a header, then the changed lines with `context` lines around them. */
export function formatChange(change: FileChange, style: Style, context = 2): string {
  const added = change.lines.filter((l) => l.op === '+').length;
  const removed = change.lines.filter((l) => l.op === '-').length;
  const header = `${style.bold(`${change.status} dist/${change.path}`)} ${style.green(`+${added}`)} ${style.red(`-${removed}`)}${change.modeOnly ? ' (executable bit)' : ''}\n`;
  const keep = change.lines.map((l, n) => change.lines.slice(Math.max(0, n - context), n + context + 1).some((c) => c.op !== ' ') && (l.op !== ' ' || change.status === 'changed'));
  let out = header;
  let skipped = false;
  change.lines.forEach((l, n) => {
    if (!keep[n]) {
      skipped = true;
      return;
    }
    if (skipped) out += style.dim('  ...\n');
    skipped = false;
    const text = `${l.op} ${l.text}`;
    out += `${l.op === '+' ? style.green(text) : l.op === '-' ? style.red(text) : text}\n`;
  });
  return out;
}
