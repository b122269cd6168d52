// Validates Argo CD and Flux objects against the schemas of @kubernetes-models/argo-cd and
// @kubernetes-models/flux-cd. Those packages are ES modules only, which jest (CommonJS) cannot
// load, so the test runs this file with node. stdin: a JSON list of objects; stdout: a JSON list
// of { kind, name, error } (error null when the object validates).
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';

const MODELS = {
  'argoproj.io/v1alpha1 Application': Application,
  'argoproj.io/v1alpha1 ApplicationSet': ApplicationSet,
  'kustomize.toolkit.fluxcd.io/v1 Kustomization': Kustomization,
  'source.toolkit.fluxcd.io/v1 GitRepository': GitRepository,
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map((doc) => {
  const Model = MODELS[`${doc.apiVersion} ${doc.kind}`];
  let error = null;
  if (!Model) error = `no schema for ${doc.apiVersion} ${doc.kind}`;
  else {
    try {
      new Model(doc).validate();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  return { kind: doc.kind, name: doc.metadata?.name, error };
});
process.stdout.write(JSON.stringify(results));
