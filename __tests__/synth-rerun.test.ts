// A re-run of the synth that changes nothing leaves dist/ untouched; any difference, content or
// mode, is rewritten.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthVeza } from '../lib/veza';

const root = path.join(__dirname, '..');
let project: string;
let dist: string;

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'veza-rerun-'));
  fs.cpSync(path.join(root, 'environments'), path.join(project, 'environments'), { recursive: true });
  dist = path.join(project, 'dist');
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(project, { recursive: true, force: true });
});

const lastLine = () => String((process.stdout.write as jest.Mock).mock.calls.at(-1)?.[0]);

test('a second synth with nothing to change keeps the same dist/ folder and files', () => {
  expect(synthVeza({ projectDir: project })).toBe(0);
  const marker = path.join(dist, 'production', 'namespace.yaml');
  const before = { dir: fs.statSync(dist).ino, file: fs.statSync(marker).ino };
  expect(synthVeza({ projectDir: project })).toBe(0);
  expect(lastLine()).toMatch(/^synthesized \d+ files into dist \(0 changed\)\n$/);
  expect({ dir: fs.statSync(dist).ino, file: fs.statSync(marker).ino }).toEqual(before);
});

test.each([
  ['an edited file', (file: string) => fs.appendFileSync(file, '# edited\n')],
  ['a file made executable', (file: string) => fs.chmodSync(file, 0o755)],
  ['a removed file', (file: string) => fs.rmSync(file)],
])('%s is counted and restored', (_, change) => {
  expect(synthVeza({ projectDir: project })).toBe(0);
  const file = path.join(dist, 'production', 'namespace.yaml');
  const original = fs.readFileSync(file, 'utf8');
  change(file);
  expect(synthVeza({ projectDir: project })).toBe(0);
  expect(lastLine()).toMatch(/\(1 changed\)\n$/);
  expect(fs.readFileSync(file, 'utf8')).toBe(original);
  expect(fs.statSync(file).mode & 0o777).toBe(0o644);
});

test('a file that the code does not produce is counted and removed', () => {
  expect(synthVeza({ projectDir: project })).toBe(0);
  fs.writeFileSync(path.join(dist, 'stray.yaml'), 'kind: ConfigMap\n');
  expect(synthVeza({ projectDir: project })).toBe(0);
  expect(lastLine()).toMatch(/\(1 changed\)\n$/);
  expect(fs.existsSync(path.join(dist, 'stray.yaml'))).toBe(false);
});
