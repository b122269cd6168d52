// In the synth's bundle, in place of the `yaml` package that cdk8s loads for App.synth()'s files,
// Include and Helm: the synth calls none of them (it renders with js-yaml, lib/output), so the
// bundle leaves the package out (scripts/synth/build.js). Called anyway, it says so.
'use strict';
const leftOut = (what) => () => {
  throw new Error(`cdk8s ${what} needs the yaml package, which the synth's bundle leaves out (scripts/synth/build.js); the synth renders with js-yaml`);
};
module.exports = { stringify: leftOut('Yaml.stringify'), parseAllDocuments: leftOut('Yaml.load') };
