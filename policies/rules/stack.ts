/**
 * Stack policies: properties of the whole stack that no single resource shows.
 * Children are found through `parent` (components create children with `{ parent: this }`);
 * a component's baseline may sit deeper in its tree, so descendants count, not only children.
 */
import type { PolicyResource } from "@pulumi/policy";
import { grantsOf, PUBLIC_MEMBERS } from "../lib/iam";
import { type PlatformRule, type StackCheckInput, stackRule } from "../lib/rule";
import { deferrableUnknown, hiddenUnknownMessage, tryKnown } from "../lib/unknown";
import { ALERT_POLICY } from "./monitoring";
import { BUCKET } from "./storage";

export const ENVIRONMENT = "platform:environment:GcpEnvironment";
export const SERVICE = "platform:service:Service";
export const SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account";
export const SERVICE_ACCOUNT_IAM_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
/** Every service-account IAM family: a grant on a deploy identity can come from any of them. */
export const SERVICE_ACCOUNT_IAM: readonly string[] = [
  SERVICE_ACCOUNT_IAM_MEMBER,
  "gcp:serviceaccount/iAMBinding:IAMBinding",
  "gcp:serviceaccount/iAMPolicy:IAMPolicy",
];
export const BUDGET = "gcp:billing/budget:Budget";
export const LOG_SINKS = [
  "gcp:logging/projectSink:ProjectSink",
  "gcp:logging/folderSink:FolderSink",
  "gcp:logging/organizationSink:OrganizationSink",
  "gcp:logging/billingAccountSink:BillingAccountSink",
];
export const CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey";
const BUCKET_IAM = /^gcp:storage\/bucketIAM(Member|Binding|Policy):/;

/** URN → all resources below it in the parent tree. */
export function descendantsOf(resources: PolicyResource[]): Map<string, PolicyResource[]> {
  const children = new Map<string, PolicyResource[]>();
  for (const resource of resources) {
    const parent = resource.parent?.urn ?? resource.opts?.parent;
    if (!parent) continue;
    const list = children.get(parent) ?? [];
    list.push(resource);
    children.set(parent, list);
  }
  const result = new Map<string, PolicyResource[]>();
  for (const resource of resources) {
    const found: PolicyResource[] = [];
    const queue = [...(children.get(resource.urn) ?? [])];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next.urn)) continue;
      seen.add(next.urn);
      found.push(next);
      queue.push(...(children.get(next.urn) ?? []));
    }
    result.set(resource.urn, found);
  }
  return result;
}

/**
 * Reads a value of a stack resource. An unknown value computed by a resource of the stack waits
 * for `up` (deferred); one that no resource computes fails closed (security rules) or is skipped.
 */
function readKnown<T>(
  input: StackCheckInput<object>,
  security: boolean,
  resource: PolicyResource,
  read: () => T,
): { known: true; value: T } | { known: false; deferred: boolean } {
  const result = tryKnown(read);
  if (result.known) return result;
  const deferred = deferrableUnknown(resource, result.path);
  if (!deferred && security && input.config.failClosedOnUnknown)
    input.report(hiddenUnknownMessage(result.path), resource.urn);
  return { known: false, deferred };
}

function dependsOn(resource: PolicyResource, target: PolicyResource, property?: string): boolean {
  const deps = property ? (resource.propertyDependencies?.[property] ?? []) : (resource.dependencies ?? []);
  return deps.some((dep) => dep.urn === target.urn) || resource.parent?.urn === target.urn;
}

export { pinsEnvironment } from "./reach";

export const stackRules: PlatformRule[] = [
  stackRule({
    name: "environment-baseline",
    description: "Every environment has a budget, an audit-log sink and a KMS key.",
    severity: "high",
    category: "governance",
    checks: `Every \`${ENVIRONMENT}\` component has a billing Budget, a logging sink and a KMS CryptoKey among its descendants.`,
    remediationSteps:
      "Create the environment with the GcpEnvironment component's defaults (budget, audit sink and key are on by default).",
    check: ({ resources, report }) => {
      const below = descendantsOf(resources);
      for (const environment of resources.filter((r) => r.type === ENVIRONMENT)) {
        const types = new Set((below.get(environment.urn) ?? []).map((r) => r.type));
        const missing: string[] = [];
        if (!types.has(BUDGET)) missing.push("billing budget");
        if (!LOG_SINKS.some((sink) => types.has(sink))) missing.push("audit-log sink");
        if (!types.has(CRYPTO_KEY)) missing.push("KMS key");
        if (missing.length > 0)
          report(`environment ${environment.name} is missing: ${missing.join(", ")}.`, environment.urn);
      }
    },
  }),
  stackRule({
    name: "service-slo-alerts",
    description: "Every service has SLO alert policies, and every one of them is routed.",
    severity: "high",
    category: "reliability",
    checks: `Every \`${SERVICE}\` component has at least one AlertPolicy among its descendants, each with non-empty \`notificationChannels\`.`,
    remediationSteps:
      "Give the Service an `slos` argument and an on-call route; the component creates burn-rate alerts.",
    check: (input) => {
      const { resources, report } = input;
      const below = descendantsOf(resources);
      for (const service of resources.filter((r) => r.type === SERVICE)) {
        const alerts = (below.get(service.urn) ?? []).filter((r) => r.type === ALERT_POLICY);
        if (alerts.length === 0) {
          report(`service ${service.name} has no SLO alert policies.`, service.urn);
          continue;
        }
        for (const alert of alerts) {
          const channels = readKnown(input, false, alert, () => alert.props.notificationChannels);
          if (channels.known && (!Array.isArray(channels.value) || channels.value.length === 0)) {
            report(`alert ${alert.name} of service ${service.name} has no notification channels.`, alert.urn);
          }
        }
      }
    },
  }),
  stackRule({
    name: "bucket-public-via-iam",
    description: "No bucket is made public by a separate IAM resource.",
    severity: "critical",
    category: "security",
    checks:
      "For every Bucket, no BucketIAMMember/Binding/Policy elsewhere in the stack that targets it grants allUsers / allAuthenticatedUsers.",
    checkov: ["CKV_GCP_28"],
    trivy: ["AVD-GCP-0001"],
    remediationSteps:
      "Remove the public grant; serve public objects through a load balancer with a backend bucket or signed URLs.",
    check: (input) => {
      const { resources, report } = input;
      const iam = resources.filter((r) => BUCKET_IAM.test(r.type));
      for (const bucket of resources.filter((r) => r.type === BUCKET)) {
        const name = tryKnown(() => bucket.props.name);
        for (const grant of iam) {
          const target = tryKnown(() => grant.props.bucket);
          const matches =
            dependsOn(grant, bucket, "bucket") ||
            (name.known &&
              target.known &&
              (target.value === name.value || target.value === `b/${name.value}`));
          if (!matches) continue;
          const found = readKnown(input, true, grant, () => grantsOf(grant.type, grant.props).grants);
          if (!found.known) continue;
          for (const public_ of found.value.filter((g) => PUBLIC_MEMBERS.has(g.member))) {
            report(
              `bucket ${bucket.name} is made public by ${grant.type.split(":")[2]} ${grant.name} (${public_.member} ${public_.role}).`,
              bucket.urn,
            );
          }
        }
      }
    },
  }),
];
