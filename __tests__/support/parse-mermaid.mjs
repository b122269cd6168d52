// Parses Mermaid flowcharts with Mermaid's own parser (the package Forgejo and GitHub render
// with), and prints what it understood. Mermaid is an ES module, which jest (CommonJS) cannot
// load, so the test runs this file with node. stdin: a JSON list of diagram texts; stdout: a JSON
// list of { type, nodes: [{ id, label }], edges: [{ from, to, label, dotted }] } or { error }.
import DOMPurify from 'dompurify';

// Mermaid sanitizes labels with DOMPurify, which needs a browser window; parsing does not.
Object.assign(DOMPurify, { addHook() {}, removeHook() {}, removeHooks() {}, sanitize: (s) => s });
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const { diagramType } = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    results.push({
      type: diagramType,
      nodes: [...db.getVertices().values()].map((v) => ({ id: v.id, label: v.text })),
      edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, label: e.text, dotted: e.stroke === 'dotted' })),
    });
  } catch (e) {
    results.push({ error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
}
process.stdout.write(JSON.stringify(results));
