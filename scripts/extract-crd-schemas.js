#!/usr/bin/env node
// Extracts the OpenAPI v3 schema of every served version of every CRD in the ESO bundle files
// into imports/schemas/<group>_<version>_<Kind>.json, so tests validate manifests against the
// real schemas without reading anything outside the repository.
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
for (const file of files) {
  for (const crd of yaml.loadAll(fs.readFileSync(path.join(crdDir, file), 'utf8'))) {
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const name = `${crd.spec.group}_${version.name}_${crd.spec.names.kind}.json`;
      fs.writeFileSync(path.join(outDir, name), JSON.stringify(version.schema.openAPIV3Schema) + '\n');
      count++;
    }
  }
}
console.log(`wrote ${count} schemas to ${outDir}`);
