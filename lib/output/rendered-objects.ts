// The objects each manifest file was rendered from, kept beside the file so the policy pass reads
// them instead of parsing back the YAML just dumped. Internal: not exported from the package.
import type { RenderedFile } from './synthesize';
import { dumpYaml } from './yaml';

/** What a file was rendered from: its content then, and its objects. */
interface Rendered {
  readonly content: string;
  readonly objects: readonly unknown[];
}

const renderedObjects = new WeakMap<object, Rendered>();

/** Records that `file`, with `content`, is the YAML dump of `objects`, in order. */
export function recordRenderedObjects(file: object, content: string, objects: readonly unknown[]): void {
  renderedObjects.set(file, { content, objects });
}

/**
 * The objects `file` was rendered from, when it was rendered in this process and its content is
 * still what was rendered; undefined otherwise (the caller parses the content).
 */
export function renderedObjectsOf(file: { readonly content: string }): readonly unknown[] | undefined {
  const rendered = renderedObjects.get(file);
  return rendered && rendered.content === file.content ? rendered.objects : undefined;
}

/**
 * A YAML file of the output: `header`, then each of `docs` as the output's YAML writer writes it,
 * `---` between them; its documents recorded for the policy pass.
 */
export function renderedYamlFile(path: string, header: string, docs: readonly unknown[]): RenderedFile {
  const file = { path, content: header + docs.map(dumpYaml).join('---\n'), executable: false };
  recordRenderedObjects(file, file.content, docs);
  return file;
}
