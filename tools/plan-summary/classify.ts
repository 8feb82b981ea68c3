/**
 * Risk classification of resource type tokens, shared by the PR plan summary and the offline plan.
 * Pure: it looks at the type token only (`<package>:<module>:<Name>`), never at inputs.
 */

export type ResourceClass = "identity" | "network" | "data" | "other";

interface Rule {
  resourceClass: Exclude<ResourceClass, "other">;
  pattern: RegExp;
}

// Matched against the lower-cased `<module>:<name>` part of the token (e.g. `projects/iammember:iammember`).
// Order matters: identity first, so that `storage/bucketIAMMember` is an identity change, not a data one.
const RULES: readonly Rule[] = [
  // IAM members, bindings and policies on any resource (project, bucket, key, secret, service account...).
  { resourceClass: "identity", pattern: /iam(member|binding|policy|auditconfig|customrole)\b/ },
  // GCP `iam` module (workload identity pools and providers, deny policies) and AWS `iam` module.
  { resourceClass: "identity", pattern: /^iam\// },
  // Bucket and object ACLs grant access just like IAM bindings do.
  { resourceClass: "identity", pattern: /(accesscontrol|acl):/ },
  // Service accounts and their keys, in GCP (`serviceaccount/...`) and Kubernetes (`core/v1:ServiceAccount`).
  { resourceClass: "identity", pattern: /serviceaccount/ },
  { resourceClass: "identity", pattern: /workloadidentity/ },
  { resourceClass: "identity", pattern: /^rbac\.authorization\.k8s\.io\// },

  { resourceClass: "network", pattern: /firewall/ },
  { resourceClass: "network", pattern: /securitygroup/ },
  // Reserved IP addresses (regional and global) and AWS elastic IPs.
  { resourceClass: "network", pattern: /:(global)?address$/ },
  { resourceClass: "network", pattern: /^ec2\/eip:/ },
  { resourceClass: "network", pattern: /router|natgateway|:nat$/ },
  { resourceClass: "network", pattern: /forwardingrule|backendservice|backendbucket|urlmap/ },
  { resourceClass: "network", pattern: /target(http|https|tcp|ssl|grpc)proxy/ },
  { resourceClass: "network", pattern: /securitypolicy/ },
  { resourceClass: "network", pattern: /ingress/ },
  // Kubernetes Services (type LoadBalancer/NodePort expose workloads), Ingress, Gateway API, NetworkPolicy.
  { resourceClass: "network", pattern: /^core\/v1:service$/ },
  { resourceClass: "network", pattern: /networking\.k8s\.io\// },
  { resourceClass: "network", pattern: /^(lb|alb|elb|elasticloadbalancing(v2)?)\// },

  { resourceClass: "data", pattern: /^storage\// },
  {
    resourceClass: "data",
    pattern: /^(sql|kms|bigquery|spanner|firestore|bigtable|alloydb|redis|filestore)\//,
  },
  { resourceClass: "data", pattern: /^compute\/(region)?(disk|snapshot)/ },
  { resourceClass: "data", pattern: /^secretmanager\/(regional)?secret(version)?:/ },
  { resourceClass: "data", pattern: /^(s3|rds|dynamodb|ebs|efs|docdb|elasticache)\// },
  { resourceClass: "data", pattern: /^ec2\/volume/ },
  { resourceClass: "data", pattern: /^core\/v1:persistentvolume(claim)?$/ },
  { resourceClass: "data", pattern: /^storage\.k8s\.io\// },
];

/**
 * Classifies a Pulumi resource type token, e.g. `gcp:projects/iAMMember:IAMMember` → "identity",
 * `gcp:compute/firewall:Firewall` → "network", `gcp:storage/bucket:Bucket` → "data".
 * Components, providers and the stack resource are "other".
 */
export function classifyResourceType(type: string): ResourceClass {
  const parts = type.split(":");
  if (parts.length < 3) return "other";
  const [pkg, ...rest] = parts;
  // Providers (`pulumi:providers:gcp`) and the stack are engine resources, not cloud changes.
  if (pkg === "pulumi") return "other";
  const moduleAndName = rest.join(":").toLowerCase();
  for (const rule of RULES) {
    if (rule.pattern.test(moduleAndName)) return rule.resourceClass;
  }
  return "other";
}
