import * as kplus from 'cdk8s-plus-28';
import { AwsSecretStore } from '../eso/aws-secret-store';
import { AZURE_CLIENT_ID_ANNOTATION, AZURE_TOKEN_AUDIENCE, AzureKeyVaultStore } from '../eso/azure-key-vault-store';
import { GcpSecretStore } from '../eso/gcp-secret-store';
import { ISecretStore } from '../eso/secret-store';
import type { RunbookCommand, RunbookSection } from './runbook';

/**
 * The service-account annotation IRSA maps to an IAM role (EKS pod identity webhook).
 * @internal
 */
export const AWS_ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
/**
 * The audience ESO requests for an AWS store's service-account token (its default, unless the
 * account's `eks.amazonaws.com/audience` annotation says otherwise): the one IRSA's trust policy checks.
 * @internal
 */
export const AWS_TOKEN_AUDIENCE = 'sts.amazonaws.com';
/**
 * The service-account annotation GKE Workload Identity maps to a Google service account.
 * @internal
 */
export const GCP_SERVICE_ACCOUNT_ANNOTATION = 'iam.gke.io/gcp-service-account';

/**
 * `system:serviceaccount:<namespace>:<name>`: the subject of the tokens Kubernetes issues for a
 * service account, which a cloud's trust (IRSA, Workload Identity, a federated credential) names.
 * @internal
 */
export function serviceAccountSubject(serviceAccount: kplus.IServiceAccount, fallbackNamespace?: string): string | undefined {
  const namespace = serviceAccount.toSubjectConfiguration().namespace ?? fallbackNamespace;
  return namespace === undefined ? undefined : `system:serviceaccount:${namespace}:${serviceAccount.name}`;
}

/** The annotations of a service account this project synthesizes; `undefined` for one imported by name. */
function annotationsOf(serviceAccount: kplus.IServiceAccount | undefined): Record<string, string> | undefined {
  return serviceAccount instanceof kplus.ServiceAccount ? (serviceAccount.metadata.toJson().annotations ?? {}) : undefined;
}

/** A JSON document as one double-quoted shell word: `"` escaped, `${VAR}` expanded by the shell. */
function shellJson(doc: unknown): string {
  return `"${JSON.stringify(doc).replace(/"/g, '\\"')}"`;
}

/**
 * What the cloud must trust before the active store can log in, as commands with this
 * environment's names read from the store and the service account it synthesizes (the role ARN,
 * the Google service account and the client ID are the account's own annotations): IRSA's trust
 * policy, GKE Workload Identity's `roles/iam.workloadIdentityUser` binding, Azure's federated
 * credential, and read access to the environment's secrets. `undefined` for Vault (its side is
 * `configure-vault.sh`) and for stores without a synthesized service account (keys, service
 * principals, managed identities, accounts owned by someone else).
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
 * @see https://azure.github.io/azure-workload-identity/docs/topics/federated-identity-credential.html
 * @internal
 */
export function cloudPrerequisites(store: ISecretStore): RunbookSection | undefined {
  const annotations = annotationsOf(store.serviceAccount);
  const subject = store.serviceAccount && serviceAccountSubject(store.serviceAccount, store.namespace);
  if (!annotations || !subject) return undefined;
  const account = store.serviceAccount!.name;
  let commands: RunbookCommand[] | undefined;
  if (store instanceof AwsSecretStore) commands = awsCommands(store, annotations, subject, account);
  else if (store instanceof GcpSecretStore) commands = gcpCommands(store, annotations, subject, account);
  else if (store instanceof AzureKeyVaultStore) commands = azureCommands(store, annotations, subject, account);
  return commands && { title: `Cloud identity: what ${store.storeName} logs in as (once per environment)`, commands };
}

function awsCommands(store: AwsSecretStore, annotations: Record<string, string>, subject: string, account: string): RunbookCommand[] | undefined {
  const roleArn = annotations[AWS_ROLE_ARN_ANNOTATION];
  const m = roleArn && /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!m) return undefined;
  const [, partition, accountId, roleName] = m;
  const parameterStore = store.location.startsWith('aws:ParameterStore:');
  const resource = parameterStore
    ? `arn:${partition}:ssm:${store.region}:${accountId}:parameter/${store.namePrefix.replace(/^\//, '')}*`
    : `arn:${partition}:secretsmanager:${store.region}:${accountId}:secret:${store.namePrefix}*`;
  const actions = parameterStore ? ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'] : ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
  const trust = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: `arn:${partition}:iam::${accountId}:oidc-provider/\${OIDC_PROVIDER}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { '${OIDC_PROVIDER}:sub': subject, '${OIDC_PROVIDER}:aud': AWS_TOKEN_AUDIENCE } },
    }],
  };
  const read = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] };
  return [
    { why: "The cluster's OIDC issuer without https:// (EKS; set EKS_CLUSTER first)", command: `OIDC_PROVIDER=$(aws eks describe-cluster --name "\${EKS_CLUSTER:?your EKS cluster}" --region ${store.region} --query cluster.identity.oidc.issuer --output text | sed 's|^https://||')` },
    { why: `IRSA: role ${roleName} (annotation ${AWS_ROLE_ARN_ANNOTATION} of ${account}) trusts tokens of ${subject}, audience ${AWS_TOKEN_AUDIENCE}`, command: `aws iam update-assume-role-policy --role-name ${roleName} --policy-document ${shellJson(trust)}` },
    { why: `The role reads this environment's secrets only (${store.namePrefix}*)`, command: `aws iam put-role-policy --role-name ${roleName} --policy-name veza-secrets-read --policy-document ${shellJson(read)}` },
  ];
}

function gcpCommands(store: GcpSecretStore, annotations: Record<string, string>, subject: string, account: string): RunbookCommand[] | undefined {
  const gsa = annotations[GCP_SERVICE_ACCOUNT_ANNOTATION];
  if (!gsa) return undefined;
  const [, namespace, name] = subject.split(':').slice(1);
  const gsaProject = gsa.split('@')[1].replace(/\.iam\.gserviceaccount\.com$/, '');
  return [
    { why: `Workload Identity: ${account} in ${namespace} may act as ${gsa} (annotation ${GCP_SERVICE_ACCOUNT_ANNOTATION}); the pool is that of the GKE cluster's project (set CLUSTER_PROJECT)`,
      command: `gcloud iam service-accounts add-iam-policy-binding ${gsa} --project ${gsaProject} --role roles/iam.workloadIdentityUser --member "serviceAccount:\${CLUSTER_PROJECT:?the GKE cluster's project}.svc.id.goog[${namespace}/${name}]"` },
    { why: `${gsa} reads the secrets of project ${store.projectId}`, command: `gcloud projects add-iam-policy-binding ${store.projectId} --role roles/secretmanager.secretAccessor --member serviceAccount:${gsa}` },
  ];
}

function azureCommands(store: AzureKeyVaultStore, annotations: Record<string, string>, subject: string, account: string): RunbookCommand[] | undefined {
  const clientId = annotations[AZURE_CLIENT_ID_ANNOTATION];
  if (!clientId) return undefined;
  const vaultName = new URL(store.vaultUrl).hostname.split('.')[0];
  const credential = { name: subject.split(':').slice(2).join('-'), issuer: '${AKS_OIDC_ISSUER}', subject, audiences: [AZURE_TOKEN_AUDIENCE] };
  return [
    { why: "The AKS cluster's OIDC issuer (set AKS_CLUSTER and AKS_RESOURCE_GROUP first)", command: 'AKS_OIDC_ISSUER=$(az aks show --name "${AKS_CLUSTER:?your AKS cluster}" --resource-group "${AKS_RESOURCE_GROUP:?its resource group}" --query oidcIssuerProfile.issuerUrl --output tsv)' },
    { why: `Federated credential: the application ${clientId} (annotation ${AZURE_CLIENT_ID_ANNOTATION} of ${account}) trusts tokens of ${subject}, audience ${AZURE_TOKEN_AUDIENCE} (a user-assigned managed identity: az identity federated-credential create with the same issuer, subject and audience)`,
      command: `az ad app federated-credential create --id ${clientId} --parameters ${shellJson(credential)}` },
    { why: `The identity reads the secrets of Key Vault ${vaultName}${store.tenantId ? ` (tenant ${store.tenantId}, the store's tenantId)` : ''}`,
      command: `az role assignment create --role "Key Vault Secrets User" --assignee ${clientId} --scope "$(az keyvault show --name ${vaultName} --query id --output tsv)"` },
  ];
}
