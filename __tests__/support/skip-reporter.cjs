// Prints one line per test that did not run, with its reason (support/tools.ts puts the reason in
// the skipped test's name), after jest's own summary counts them as skipped.
class SkipReporter {
  onRunComplete(_contexts, results) {
    const lines = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') lines.push(`  ${t.fullName}`);
      }
    }
    if (lines.length === 0) return;
    process.stderr.write(`\n${lines.length} test(s) did not run, each with its reason (optional tools: the README's "Optional tools"):\n${lines.join('\n')}\n`);
  }
}
module.exports = SkipReporter;
