import {
  listOf,
  objectOf,
  type PlatformRule,
  type Props,
  type ResourceCheckInput,
  resourceRule,
  schema,
} from "../lib/rule";

/** Workload types and the path from the resource to its pod spec. */
export const WORKLOAD_POD_SPEC_PATHS: Record<string, string[]> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};
const WORKLOADS = Object.keys(WORKLOAD_POD_SPEC_PATHS);

export const ROLE_TYPES = [
  "kubernetes:rbac.authorization.k8s.io/v1:Role",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
];
export const BINDING_TYPES = [
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
];

interface Container {
  where: string;
  spec: Props;
}

function podSpecOf(type: string, props: Props): { path: string; spec: Props } | undefined {
  const path = WORKLOAD_POD_SPEC_PATHS[type];
  let value: unknown = props;
  for (const segment of path) value = objectOf(value)?.[segment];
  const spec = objectOf(value);
  return spec ? { path: path.join("."), spec } : undefined;
}

function containersOf(path: string, spec: Props): Container[] {
  const containers: Container[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    listOf(spec[field]).forEach((container, index) => {
      const name = typeof container?.name === "string" ? ` (${container.name})` : "";
      containers.push({ where: `${path}.${field}[${index}]${name}`, spec: objectOf(container) ?? {} });
    });
  }
  return containers;
}

/** A pod-level check: receives the pod spec and its containers. */
function workloadRule<C extends object = object>(
  def: Omit<Parameters<typeof resourceRule<C>>[0], "types" | "check"> & {
    checkPod: (
      pod: { path: string; spec: Props; containers: Container[] },
      input: ResourceCheckInput<C>,
    ) => void;
  },
) {
  const { checkPod, ...rest } = def;
  return resourceRule<C>({
    ...rest,
    types: WORKLOADS,
    check: (input) => {
      const pod = podSpecOf(input.type, input.props);
      if (!pod) return;
      checkPod({ ...pod, containers: containersOf(pod.path, pod.spec) }, input);
    },
  });
}

/** Splits an image reference into its tag and digest. */
export function imageParts(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > lastSlash ? name.slice(colon + 1) : undefined;
  return { tag, digest };
}

export const DEFAULT_ALLOWED_CAPABILITIES = ["NET_BIND_SERVICE"];
export const DEFAULT_PLATFORM_GROUPS = ["platform-admins@example.com"];

export const kubernetesRules: PlatformRule[] = [
  workloadRule({
    name: "k8s-no-privileged-containers",
    description: "Containers do not run privileged.",
    severity: "critical",
    category: "security",
    checks: "No container has `securityContext.privileged: true`.",
    checkov: ["CKV_K8S_16"],
    remediationSteps: "Remove `privileged: true`; grant the one capability the container needs instead.",
    checkPod: ({ containers }, { report }) => {
      for (const c of containers) {
        if (objectOf(c.spec.securityContext)?.privileged === true) report(`${c.where} is privileged.`);
      }
    },
  }),
  workloadRule({
    name: "k8s-no-privilege-escalation",
    description: "Containers cannot gain more privileges than their parent process.",
    severity: "high",
    category: "security",
    checks: "Every container sets `securityContext.allowPrivilegeEscalation: false`.",
    checkov: ["CKV_K8S_20"],
    remediationSteps: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    checkPod: ({ containers }, { report }) => {
      for (const c of containers) {
        if (objectOf(c.spec.securityContext)?.allowPrivilegeEscalation !== false) {
          report(`${c.where} does not set allowPrivilegeEscalation: false.`);
        }
      }
    },
  }),
  workloadRule({
    name: "k8s-no-host-namespaces",
    description: "Pods do not share the host's network, PID or IPC namespaces.",
    severity: "high",
    category: "security",
    checks: "Pod spec `hostNetwork`, `hostPID` and `hostIPC` are not true.",
    checkov: ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"],
    remediationSteps: "Remove hostNetwork/hostPID/hostIPC.",
    checkPod: ({ path, spec }, { report }) => {
      for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (spec[field] === true) report(`${path}.${field} is true.`);
      }
    },
  }),
  workloadRule({
    name: "k8s-no-host-path",
    description: "Pods do not mount host paths.",
    severity: "high",
    category: "security",
    checks: "No pod volume is a `hostPath`.",
    remediationSteps: "Use an emptyDir, a PersistentVolumeClaim or a CSI volume instead of hostPath.",
    checkPod: ({ path, spec }, { report }) => {
      listOf(spec.volumes).forEach((volume, index) => {
        if (objectOf(volume?.hostPath))
          report(`${path}.volumes[${index}] mounts host path ${volume.hostPath.path ?? ""}.`);
      });
    },
  }),
  workloadRule<{ allowedCapabilities: string[] }>({
    name: "k8s-capabilities-allow-list",
    description: "Containers add only allow-listed Linux capabilities.",
    severity: "high",
    category: "security",
    checks:
      "`securityContext.capabilities.add` contains only `allowedCapabilities` (default NET_BIND_SERVICE).",
    checkov: ["CKV_K8S_25"],
    remediationSteps: "Drop the capability, or add it to allowedCapabilities after a security review.",
    configSchema: {
      properties: {
        allowedCapabilities: schema.strings(DEFAULT_ALLOWED_CAPABILITIES, "Capabilities containers may add."),
      },
    },
    checkPod: ({ containers }, { config, report }) => {
      const allowed = new Set(
        config.allowedCapabilities.map((cap) => cap.toUpperCase().replace(/^CAP_/, "")),
      );
      for (const c of containers) {
        for (const cap of listOf(objectOf(objectOf(c.spec.securityContext)?.capabilities)?.add)) {
          const name = String(cap).toUpperCase().replace(/^CAP_/, "");
          if (!allowed.has(name)) report(`${c.where} adds capability ${name}.`);
        }
      }
    },
  }),
  workloadRule({
    name: "k8s-run-as-non-root",
    description: "Containers run as a non-root user.",
    severity: "high",
    category: "security",
    checks: "`runAsNonRoot: true` on the pod or on every container, and no `runAsUser: 0`.",
    checkov: ["CKV_K8S_23"],
    remediationSteps:
      "Set `securityContext: { runAsNonRoot: true, runAsUser: 10001 }` and build images with a non-root USER.",
    checkPod: ({ path, spec, containers }, { report }) => {
      const pod = objectOf(spec.securityContext);
      for (const c of containers) {
        const own = objectOf(c.spec.securityContext);
        const nonRoot = own?.runAsNonRoot ?? pod?.runAsNonRoot;
        const user = own?.runAsUser ?? pod?.runAsUser;
        if (nonRoot !== true)
          report(`${c.where} does not set runAsNonRoot: true (here or in ${path}.securityContext).`);
        else if (user === 0) report(`${c.where} runs as UID 0.`);
      }
    },
  }),
  workloadRule({
    name: "k8s-read-only-root-filesystem",
    description: "Containers have a read-only root filesystem.",
    severity: "medium",
    category: "security",
    checks: "Every container sets `securityContext.readOnlyRootFilesystem: true`.",
    checkov: ["CKV_K8S_22"],
    remediationSteps: "Set `readOnlyRootFilesystem: true`; mount an emptyDir where the process must write.",
    checkPod: ({ containers }, { report }) => {
      for (const c of containers) {
        if (objectOf(c.spec.securityContext)?.readOnlyRootFilesystem !== true) {
          report(`${c.where} does not set readOnlyRootFilesystem: true.`);
        }
      }
    },
  }),
  workloadRule({
    name: "k8s-resource-requests-limits",
    description: "Containers declare CPU and memory requests and a memory limit.",
    severity: "medium",
    category: "reliability",
    checks:
      "Every container (init and regular) has `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory` (CPU limits are optional).",
    checkov: ["CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"],
    remediationSteps: "Set resources.requests (cpu, memory) and resources.limits.memory from observed usage.",
    checkPod: ({ containers }, { report }) => {
      for (const c of containers) {
        if (c.where.includes(".ephemeralContainers[")) continue;
        const resources = objectOf(c.spec.resources);
        const missing: string[] = [];
        if (objectOf(resources?.requests)?.cpu === undefined) missing.push("requests.cpu");
        if (objectOf(resources?.requests)?.memory === undefined) missing.push("requests.memory");
        if (objectOf(resources?.limits)?.memory === undefined) missing.push("limits.memory");
        if (missing.length > 0) report(`${c.where} has no resources.${missing.join(", resources.")}.`);
      }
    },
  }),
  workloadRule<{ requireDigests: boolean }>({
    name: "k8s-pinned-images",
    description: "Container images are pinned: no `latest` or untagged images, digests where required.",
    severity: "high",
    category: "security",
    checks:
      "Images have a tag other than `latest` or a digest; with `requireDigests` (prod), every image has `@sha256:`.",
    checkov: ["CKV_K8S_14", "CKV_K8S_43"],
    remediationSteps:
      "Reference images by digest (`repo/image@sha256:...`), as the build pipeline publishes them.",
    configSchema: {
      properties: {
        requireDigests: schema.boolean(true, "Require every image to be pinned by sha256 digest."),
      },
    },
    checkPod: ({ containers }, { config, report }) => {
      for (const c of containers) {
        const image = c.spec.image;
        if (typeof image !== "string" || image === "") {
          report(`${c.where} has no image.`);
          continue;
        }
        const { tag, digest } = imageParts(image);
        if (digest?.startsWith("sha256:")) continue;
        if (config.requireDigests) report(`${c.where} image ${image} is not pinned by digest (@sha256:...).`);
        else if (!tag) report(`${c.where} image ${image} has no tag (it means latest).`);
        else if (tag === "latest") report(`${c.where} image ${image} uses the latest tag.`);
      }
    },
  }),
  resourceRule({
    name: "k8s-rbac-no-wildcards",
    description: "Roles and ClusterRoles name their verbs, resources and API groups.",
    severity: "high",
    category: "security",
    checks: "No Role/ClusterRole rule has `*` in verbs, resources or apiGroups.",
    checkov: ["CKV_K8S_49"],
    remediationSteps: "List the exact verbs, resources and apiGroups the subject needs.",
    types: ROLE_TYPES,
    check: ({ props, report }) => {
      listOf(props.rules).forEach((rule, index) => {
        for (const field of ["verbs", "resources", "apiGroups"]) {
          if (listOf(rule?.[field]).includes("*")) report(`rules[${index}].${field} contains "*".`);
        }
      });
    },
  }),
  resourceRule<{ platformGroups: string[] }>({
    name: "k8s-no-cluster-admin-bindings",
    description: "cluster-admin is bound only to platform groups.",
    severity: "critical",
    category: "security",
    checks:
      "RoleBinding/ClusterRoleBinding to `cluster-admin` has only Group subjects listed in `platformGroups`.",
    remediationSteps:
      "Bind a narrower role, or bind cluster-admin to a platform group listed in platformGroups.",
    configSchema: {
      properties: {
        platformGroups: schema.strings(DEFAULT_PLATFORM_GROUPS, "Groups that may hold cluster-admin."),
      },
    },
    types: BINDING_TYPES,
    check: ({ props, config, report }) => {
      if (objectOf(props.roleRef)?.name !== "cluster-admin") return;
      const allowed = new Set(config.platformGroups);
      listOf(props.subjects).forEach((subject, index) => {
        if (subject?.kind !== "Group" || !allowed.has(subject?.name)) {
          report(
            `subjects[${index}] (${subject?.kind} ${subject?.name}) is bound to cluster-admin and is not a platform group.`,
          );
        }
      });
    },
  }),
  resourceRule({
    name: "k8s-no-opaque-helm-releases",
    description: "Helm charts are rendered to objects policies can see; no helm.sh/v3 Release.",
    severity: "high",
    category: "security",
    checks:
      "No `kubernetes:helm.sh/v3:Release` (Helm installs its objects out of the engine's sight); `helm.sh/v4:Chart` / `helm.sh/v3:Chart` are fine.",
    remediationSteps:
      "Use `kubernetes.helm.v4.Chart`, which renders the chart into resources every policy checks.",
    types: ["kubernetes:helm.sh/v3:Release"],
    check: ({ report }) => {
      report("a helm.sh/v3 Release deploys objects the policy pack cannot see; use helm.v4.Chart.");
    },
  }),
];
