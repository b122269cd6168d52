#!/usr/bin/env node
// Extracts the OpenAPI v3 schema of every served version of every CRD in the ESO bundle files
// into imports/schemas/<group>_<version>_<Kind>.json, and the CRDs' names (`<plural>.<group>`, what
// `kubectl wait crd/<name>` takes) into imports/schemas/crd-names.txt, so tests check manifests and
// commands against the real CRDs without reading anything outside the repository.
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const [crdDir, outDir] = process.argv.slice(2);
if (!crdDir || !outDir) {
  console.error('usage: extract-crd-schemas.js CRD_DIR OUT_DIR');
  process.exit(2);
}
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const files = fs.readdirSync(crdDir).filter((f) => f.endsWith('.served.yaml')).sort();
let count = 0;
const names = [];
for (const file of files) {
  for (const crd of yaml.loadAll(fs.readFileSync(path.join(crdDir, file), 'utf8'))) {
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    names.push(crd.metadata.name);
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const name = `${crd.spec.group}_${version.name}_${crd.spec.names.kind}.json`;
      fs.writeFileSync(path.join(outDir, name), JSON.stringify(version.schema.openAPIV3Schema) + '\n');
      count++;
    }
  }
}
fs.writeFileSync(path.join(outDir, 'crd-names.txt'), names.sort().map((n) => `${n}\n`).join(''));
console.log(`wrote ${count} schemas and ${names.length} CRD names to ${outDir}`);
