// A strict parser for the subset of Mermaid flowcharts the READMEs use. No Mermaid parser runs
// in node without a browser, so this one accepts exactly the grammar below and throws on
// anything else, with the line number:
//
//   flowchart LR|RL|TB|TD|BT
//   <id>["<label>"]
//   <id> -->|"<label>"| <id>      <id> --> <id>      <id> -.->|"<label>"| <id>      <id> -.-> <id>
//
// ids: [A-Za-z_][A-Za-z0-9_]*, not Mermaid keywords; labels: no raw double quote (#quot; instead).

export interface ParsedNode {
  readonly id: string;
  readonly label: string;
}

export interface ParsedEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dotted: boolean;
}

export interface ParsedFlowchart {
  readonly direction: string;
  readonly nodes: ParsedNode[];
  readonly edges: ParsedEdge[];
}

const ID = '([A-Za-z_][A-Za-z0-9_]*)';
const LABEL = '"([^"]*)"';
const NODE = new RegExp(`^${ID}\\[${LABEL}\\]$`);
const EDGE = new RegExp(`^${ID} (-->|-\\.->)(?:\\|${LABEL}\\|)? ${ID}$`);
const KEYWORDS = new Set(['end', 'graph', 'flowchart', 'subgraph', 'style', 'classDef', 'class', 'click', 'linkStyle', 'direction']);

export function parseFlowchart(text: string): ParsedFlowchart {
  const lines = text.split('\n').map((l, i) => ({ n: i + 1, text: l.trim() })).filter((l) => l.text !== '');
  const fail = (n: number, why: string): never => {
    throw new Error(`mermaid line ${n}: ${why}`);
  };
  const header = lines.shift();
  const direction = header?.text.match(/^flowchart (LR|RL|TB|TD|BT)$/)?.[1] ?? fail(header?.n ?? 1, `expected 'flowchart <direction>', got ${JSON.stringify(header?.text)}`);
  const nodes: ParsedNode[] = [];
  const edges: ParsedEdge[] = [];
  const checkId = (n: number, id: string) => {
    if (KEYWORDS.has(id)) fail(n, `${JSON.stringify(id)} is a Mermaid keyword`);
  };
  for (const { n, text: line } of lines) {
    const node = line.match(NODE);
    if (node) {
      checkId(n, node[1]);
      if (nodes.some((x) => x.id === node[1])) fail(n, `node ${node[1]} declared twice`);
      nodes.push({ id: node[1], label: node[2] });
      continue;
    }
    const edge = line.match(EDGE);
    if (edge) {
      const [, from, arrow, label, to] = edge;
      for (const id of [from, to]) {
        checkId(n, id);
        if (!nodes.some((x) => x.id === id)) fail(n, `edge names undeclared node ${id}`);
      }
      edges.push({ from, to, label, dotted: arrow === '-.->' });
      continue;
    }
    fail(n, `not a node or edge of the accepted subset: ${JSON.stringify(line)}`);
  }
  return { direction, nodes, edges };
}

/** The body of the first ```mermaid block of a Markdown text. */
export function mermaidBlock(markdown: string): string {
  const m = markdown.match(/^```mermaid\n([\s\S]*?)^```$/m);
  if (!m) throw new Error('no ```mermaid block');
  return m[1];
}
