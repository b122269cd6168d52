#!/usr/bin/env node
// The veza-secrets command line. Runs the compiled library: `npm run build` first in a checkout.
'use strict';
let cli;
try {
  // First: any error escaping (even while the catalog loads) is printed as one line, exit code 1.
  require('../build/lib/cli/one-line-errors');
  cli = require('../build/lib/cli');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('veza-secrets: build/ is missing; run `npm run build` first.\n');
    process.exit(2);
  }
  throw e;
}
process.exitCode = cli.runCli(process.argv.slice(2), cli.processIo(process.env.VEZA_PROJECT_DIR ?? process.cwd()));
