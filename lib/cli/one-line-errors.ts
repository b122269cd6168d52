// Imported first by the entry points (main.ts): an error that escapes, even while modules load
// (a catalog rule checked when the catalog is defined), is printed as one line, exit code 1.
// VEZA_DEBUG=1 prints the stack trace too.
import { oneLine } from '../config/field-reader';

process.on('uncaughtException', (e) => {
  process.stderr.write(`error: ${oneLine(e)}\n`);
  if (process.env.VEZA_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
