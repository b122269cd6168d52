// Scratch space for the benches: one folder per section, in the project's build/ folder (beside
// dist/, where the synth writes, and on the same file system) unless the system's temporary folder
// is asked for. What the runs write stays until the section's last run is timed: a run must not
// pay for the deletion of the one before it. On this VM's ext4, creating files was slow for seconds
// after thousands were deleted nearby, and the system's temporary folder, where every tool creates
// and deletes files all day, was the slowest place: docs/performance.md, "Scale".
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const PROJECT_BUILD = path.join(__dirname, '..', '..', 'build');

/**
 * A new folder for a section: `dir(name)` makes a new folder in it, `remove()` deletes it all.
 * `where`: 'project' (build/, the default) or 'system' (os.tmpdir()).
 */
function benchScratch(label, where = 'project') {
  const parent = where === 'system' ? os.tmpdir() : PROJECT_BUILD;
  fs.mkdirSync(parent, { recursive: true });
  const root = fs.mkdtempSync(path.join(parent, `.bench-${label}-`));
  return {
    root,
    dir: (name) => fs.mkdtempSync(path.join(root, `${name}-`)),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

module.exports = { benchScratch };
