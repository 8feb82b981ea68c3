import { createHash } from "node:crypto";

/**
 * Realistic computed outputs for resources created under Pulumi's mock runtime.
 *
 * The provider would compute these at `up` (ids, self links, emails, project numbers). Dependent
 * inputs are built from them (a subnet's `network` is the network's self link, a budget filters on
 * `projects/<number>`), so returning nothing here would make those inputs silently vanish. Values
 * are derived from the resource's type and name, so every plan of the same program is identical.
 */

type Inputs = Record<string, unknown>;

export interface MockedState {
  id: string;
  state: Inputs;
}

/** A stable hex digest of the parts, used for generated ids and suffixes. */
export function stableHex(length: number, ...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

/** A stable decimal number of the given width (project numbers, unique ids). */
export function stableDigits(length: number, ...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  let digits = "";
  for (const byte of digest) digits += (byte % 10).toString();
  // A leading zero would not be a valid project number.
  return (1 + (digest[0] % 9)).toString() + digits.slice(1, length);
}

const COMPUTE = "https://www.googleapis.com/compute/v1";

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** Pulumi auto-names physical resources `<logical name>-<7 hex>` when no name is given. */
function physicalName(type: string, logicalName: string, inputs: Inputs): string {
  return str(inputs.name) ?? `${logicalName}-${stableHex(7, type, logicalName)}`;
}

export function mockResourceState(type: string, logicalName: string, inputs: Inputs): MockedState {
  const project = str(inputs.project) ?? "mock-project";
  const name = physicalName(type, logicalName, inputs);
  const region = str(inputs.region) ?? str(inputs.location) ?? "europe-west1";
  const with_ = (id: string, extra: Inputs = {}): MockedState => ({ id, state: { ...inputs, ...extra } });

  switch (type) {
    case "gcp:organizations/project:Project": {
      const projectId = str(inputs.projectId) ?? name;
      return with_(`projects/${projectId}`, {
        projectId,
        name: str(inputs.name) ?? projectId,
        number: stableDigits(12, "project", projectId),
      });
    }
    case "gcp:projects/service:Service":
      return with_(`${project}/${str(inputs.service) ?? name}`);
    case "gcp:compute/network:Network":
      return with_(`projects/${project}/global/networks/${name}`, {
        name,
        selfLink: `${COMPUTE}/projects/${project}/global/networks/${name}`,
        gatewayIpv4: "",
      });
    case "gcp:compute/subnetwork:Subnetwork":
      return with_(`projects/${project}/regions/${region}/subnetworks/${name}`, {
        name,
        selfLink: `${COMPUTE}/projects/${project}/regions/${region}/subnetworks/${name}`,
        gatewayAddress: gatewayOf(str(inputs.ipCidrRange)),
      });
    case "gcp:compute/router:Router":
      return with_(`projects/${project}/regions/${region}/routers/${name}`, {
        name,
        selfLink: `${COMPUTE}/projects/${project}/regions/${region}/routers/${name}`,
      });
    case "gcp:compute/routerNat:RouterNat":
      return with_(`${project}/${region}/${str(inputs.router) ?? "router"}/${name}`, { name });
    case "gcp:compute/firewall:Firewall":
      return with_(`projects/${project}/global/firewalls/${name}`, {
        name,
        selfLink: `${COMPUTE}/projects/${project}/global/firewalls/${name}`,
      });
    case "gcp:compute/address:Address":
    case "gcp:compute/globalAddress:GlobalAddress":
      return with_(`projects/${project}/regions/${region}/addresses/${name}`, {
        name,
        address: `10.${parseInt(stableHex(2, name), 16)}.0.10`,
        selfLink: `${COMPUTE}/projects/${project}/regions/${region}/addresses/${name}`,
      });
    case "gcp:kms/keyRing:KeyRing": {
      const id = `projects/${project}/locations/${region}/keyRings/${name}`;
      return with_(id, { name });
    }
    case "gcp:kms/cryptoKey:CryptoKey": {
      const keyRing = str(inputs.keyRing) ?? `projects/${project}/locations/${region}/keyRings/mock`;
      return with_(`${keyRing}/cryptoKeys/${name}`, {
        name,
        primary: { name: `${keyRing}/cryptoKeys/${name}/cryptoKeyVersions/1` },
      });
    }
    case "gcp:logging/projectBucketConfig:ProjectBucketConfig": {
      const location = str(inputs.location) ?? "global";
      const id = `projects/${project}/locations/${location}/buckets/${str(inputs.bucketId) ?? name}`;
      return with_(id, { name: id });
    }
    case "gcp:logging/projectSink:ProjectSink":
      return with_(`projects/${project}/sinks/${name}`, {
        name,
        writerIdentity: `serviceAccount:service-${stableDigits(12, "project", project)}@gcp-sa-logging.iam.gserviceaccount.com`,
      });
    case "gcp:monitoring/notificationChannel:NotificationChannel":
    case "gcp:monitoring/alertPolicy:AlertPolicy": {
      const collection = {
        "gcp:monitoring/notificationChannel:NotificationChannel": "notificationChannels",
        "gcp:monitoring/alertPolicy:AlertPolicy": "alertPolicies",
      }[type];
      const id = `projects/${project}/${collection}/${stableDigits(19, type, logicalName)}`;
      return with_(id, { name: id });
    }
    case "gcp:monitoring/customService:CustomService":
    case "gcp:monitoring/genericService:GenericService": {
      // The API names services by project number, with the service id given (or generated).
      const serviceId = str(inputs.serviceId) ?? stableHex(22, type, logicalName);
      const id = `projects/${stableDigits(12, "project", project)}/services/${serviceId}`;
      return with_(id, { name: id, serviceId });
    }
    case "gcp:monitoring/slo:Slo": {
      const sloId = str(inputs.sloId) ?? stableHex(22, type, logicalName);
      const service = str(inputs.service) ?? "service";
      const id = `projects/${stableDigits(12, "project", project)}/services/${service}/serviceLevelObjectives/${sloId}`;
      return with_(id, { name: id, sloId });
    }
    case "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": {
      // The check id is generated by the API from the display name plus a random suffix.
      const display = (str(inputs.displayName) ?? logicalName).toLowerCase().replace(/[^a-z0-9]+/g, "-");
      const uptimeCheckId = `${display.replace(/^-+|-+$/g, "").slice(0, 40)}-${stableHex(8, type, logicalName)}`;
      const id = `projects/${project}/uptimeCheckConfigs/${uptimeCheckId}`;
      return with_(id, { name: id, uptimeCheckId });
    }
    case "gcp:monitoring/dashboard:Dashboard":
      return with_(`projects/${stableDigits(12, "project", project)}/dashboards/${uuidOf(logicalName)}`);
    case "gcp:logging/metric:Metric":
      return with_(str(inputs.name) ?? name, { name: str(inputs.name) ?? name });
    case "gcp:billing/budget:Budget": {
      const account = str(inputs.billingAccount) ?? "000000-000000-000000";
      const id = `billingAccounts/${account}/budgets/${uuidOf(logicalName)}`;
      return with_(id, { name: id });
    }
    case "gcp:serviceaccount/account:Account": {
      const accountId = str(inputs.accountId) ?? name;
      const email = `${accountId}@${project}.iam.gserviceaccount.com`;
      return with_(`projects/${project}/serviceAccounts/${email}`, {
        email,
        name: `projects/${project}/serviceAccounts/${email}`,
        member: `serviceAccount:${email}`,
        uniqueId: stableDigits(21, "sa", email),
      });
    }
    case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": {
      const id = `projects/${project}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId) ?? name}`;
      return with_(id, {
        name: `projects/${stableDigits(12, "project", project)}/locations/global/workloadIdentityPools/${str(inputs.workloadIdentityPoolId) ?? name}`,
        state: "ACTIVE",
      });
    }
    case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": {
      const pool = str(inputs.workloadIdentityPoolId) ?? "pool";
      const provider = str(inputs.workloadIdentityPoolProviderId) ?? name;
      const number = stableDigits(12, "project", project);
      return with_(
        `projects/${project}/locations/global/workloadIdentityPools/${pool}/providers/${provider}`,
        {
          name: `projects/${number}/locations/global/workloadIdentityPools/${pool}/providers/${provider}`,
          state: "ACTIVE",
        },
      );
    }
    case "gcp:storage/bucket:Bucket":
      return with_(name, {
        name,
        url: `gs://${name}`,
        selfLink: `https://www.googleapis.com/storage/v1/b/${name}`,
      });
    default:
      return with_(`${name}`, "name" in inputs || !type.startsWith("gcp:") ? {} : { name });
  }
}

function gatewayOf(cidr: string | undefined): string {
  if (!cidr) return "";
  const [base] = cidr.split("/");
  const octets = base.split(".");
  octets[3] = "1";
  return octets.join(".");
}

function uuidOf(seed: string): string {
  const hex = stableHex(32, "uuid", seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Data-source results (`pulumi.runtime` invokes) the program uses. */
export function mockInvokeResult(token: string, inputs: Inputs): Inputs {
  switch (token) {
    case "gcp:organizations/getProject:getProject": {
      const projectId = str(inputs.projectId) ?? "mock-project";
      return { projectId, number: stableDigits(12, "project", projectId), name: projectId, labels: {} };
    }
    case "gcp:organizations/getClientConfig:getClientConfig":
      return { project: "mock-project", region: "europe-west1", zone: "europe-west1-b", accessToken: "" };
    default:
      return {};
  }
}

/** How the plan resolves provider-computed outputs. */
export type OutputMode =
  /** A first `pulumi preview` of a new stack: computed outputs the inputs do not fix are unknown. */
  | "preview"
  /** As after a first `pulumi up`: realistic known values (ids, emails, numbers, self links). */
  | "known";

/** Pulumi's unknown sentinel; in a preview the SDK resolves an output holding it as unknown. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface ProviderOutputs {
  computed: string[];
  known: string[];
  autoNamed?: true;
}

let gcpOutputs: Record<string, ProviderOutputs> | undefined;

/** The computed/known outputs of a provider type, from the data derived from the provider SDK. */
export function providerOutputsOf(type: string): ProviderOutputs | undefined {
  gcpOutputs ??= (require("./provider-outputs/gcp.json") as { resources: Record<string, ProviderOutputs> })
    .resources;
  return Object.hasOwn(gcpOutputs, type) ? gcpOutputs[type] : undefined;
}

/**
 * What the provider returns from a create during a preview: the inputs, every computed output the
 * inputs leave unset as unknown, every other declared output as set or null, and no id. An unset
 * optional `name` is not unknown: the provider's Check auto-names it (`<logical name>-<7 hex>`),
 * which a preview shows.
 */
export function previewResourceState(type: string, logicalName: string, inputs: Inputs): MockedState {
  const outputs = providerOutputsOf(type);
  if (!outputs) return { id: "", state: inputs };
  const state: Inputs = {};
  for (const name of outputs.known) state[name] = inputs[name] ?? null;
  for (const name of outputs.computed) state[name] = inputs[name] ?? UNKNOWN;
  if (inputs.name === undefined && outputs.autoNamed) state.name = physicalName(type, logicalName, inputs);
  return { id: "", state };
}
