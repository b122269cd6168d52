// Validates the objects of dist/<env>/secrets-rotation.yaml against the Kubernetes OpenAPI
// schemas of kubernetes-models (an ES module package, which jest's CommonJS cannot load: the
// test runs this file with node). Prints one line per object; exits 1 on the first invalid one.
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

const MODELS = { CronJob, NetworkPolicy, Role, RoleBinding, ConfigMap, ServiceAccount };
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, 'utf8'))) {
    const Model = MODELS[doc.kind];
    if (!Model) {
      console.log(`${file}: ${doc.kind} has no schema here`);
      process.exit(1);
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      console.log(`${file}: ${doc.kind} ${doc.metadata.name}: ${e.message}`);
      process.exit(1);
    }
    console.log(`${file}: ${doc.kind} ${doc.metadata.name}: valid`);
  }
}
