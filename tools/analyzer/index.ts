/**
 * Runs a real CrossGuard policy pack over the real Analyzer protocol, offline, doing the engine's
 * part: start the pack, handshake, configureStack, getAnalyzerInfo, configure with the reconciled
 * `--policy-pack-config`, remediate/analyze each resource, analyzeStack once, then kill the pack.
 * Engine sources and deliberate differences: docs/decisions/0003-offline-policy-engine.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { parse as parseYaml } from "yaml";
import { yamlErrorText } from "../../stacks/config/errors";
import { expectedFile, INPUT_LIMITS, InputFileError, readInputFile } from "../../stacks/config/input-file";
import type { PlannedResource, PolicyReport, PolicyViolation, Severity } from "../plan/model";
import {
  AnalyzerConnection,
  type AnalyzerInfo,
  analyzeRequest,
  configureRequest,
  type Diagnostic,
  decodeAnalyzerInfo,
  decodeRemediations,
  handshakeRequest,
  isUnimplemented,
  stackConfigureRequest,
  toStruct,
} from "./client";
import { PolicyConfigError, PolicyPackError } from "./errors";
import {
  DEFAULT_START_TIMEOUT_MS,
  type LaunchedPack,
  packEnvironment,
  startPolicyPack,
} from "./pack-process";
import { engineProperties } from "./properties";
import {
  type AnalyzerPolicyInfo,
  allPoliciesKey,
  findUnknownPolicyNames,
  type PolicyPackConfig,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
} from "./reconcile";
import {
  encodeAnalyzeRequest,
  encodeAnalyzeStackRequest,
  encodeProviderResource,
  encodeStruct,
} from "./wire";

export { PolicyConfigError, PolicyPackError } from "./errors";
export type { AnalyzerPolicyInfo, PolicyConfigEntry, PolicyPackConfig, ReconciledConfig } from "./reconcile";
export { findUnknownPolicyNames, parsePolicyPackConfig, reconcilePolicyPackConfig } from "./reconcile";

/** Who is running: what the engine tells the pack about the stack (env and configureStack). */
export interface PolicyPackSessionOptions {
  /** The folder holding PulumiPolicy.yaml, package.json and the pack's index.ts. */
  packDir: string;
  stack: string;
  project: string;
  /** Defaults to "organization", the name the engine reports for a local backend. */
  organization?: string;
  /** true for `pulumi preview`. */
  dryRun: boolean;
  /** Stack config (`ns:key` → value), as configureStack and PULUMI_CONFIG carry it. */
  stackConfig?: Record<string, string>;
  /** Keys of `stackConfig` that are secrets. */
  configSecretKeys?: string[];
  /** Stack tags, readable by policies as `args.stackTags`. */
  stackTags?: Record<string, string>;
  /** How long the pack may take to print its port (the runner loads the SDKs first). */
  startTimeoutMs?: number;
  /**
   * The pack's process, already spawned by `launchPack` with this session's environment
   * (`packEnvironment`): a plan starts it before it validates the config and loads the SDKs.
   * The session owns it from here: it is stopped with the session, or when opening fails.
   */
  started?: LaunchedPack;
  /**
   * Pack processes to deal analyze calls over (the engine runs one). Each is configured alike and
   * analyze calls are independent, so results are the same; only a policy that keeps state across
   * calls in module variables could tell. analyzeStack always goes to the first. `policies/` keeps
   * such state (`unknown-values-recheck` rechecks the deferrals its own process saw): use 1 there.
   */
  processes?: number;
}

/** One analysis: a config file and the resources of one run of the program. */
export interface PolicyRunOptions {
  /** A `--policy-pack-config` JSON file; without one the pack runs on its own defaults. */
  configFile?: string;
  /** Every registered resource, in registration order (the root stack first). */
  resources: readonly PlannedResource[];
  /** Analyze calls in flight at once. */
  concurrency?: number;
}

export type RunPolicyPackOptions = PolicyPackSessionOptions & PolicyRunOptions;

export interface PolicyRunTimings {
  /** Spawn until the port is printed (the runner loads typescript, ts-node and the SDKs meanwhile). */
  startMs: number;
  /** All remediate/analyze calls. */
  analyzeMs: number;
  analyzeStackMs: number;
}

export interface PolicyRunResult extends PolicyReport {
  /** The pack's policies, sorted by name, with the levels in force after configure. */
  policies: AnalyzerPolicyInfo[];
  timings: PolicyRunTimings;
}

/** A started pack, handshaken and stack-configured; `run` may be called more than once. */
export interface PolicyPackSession {
  readonly packName: string;
  /** PulumiPolicy.yaml's version when set, else the pack's own (package.json), as the engine picks. */
  readonly packVersion: string;
  readonly startMs: number;
  run(options: PolicyRunOptions): Promise<PolicyRunResult>;
  /** Kills the pack. Safe to call twice. */
  close(): Promise<void>;
}

const defaultConcurrency = 128;
/** What the real engine answers as its address; the pack never dials it (see pack-process.ts). */
const engineAddress = "127.0.0.1:0";

interface PolicyProject {
  version?: string;
}

/** LoadPolicyPack: the engine refuses a folder without PulumiPolicy.yaml before starting anything. */
function readPolicyProject(packDir: string): PolicyProject {
  const file = path.join(packDir, "PulumiPolicy.yaml");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new PolicyPackError(
      `failed to load Pulumi policy project located at "${packDir}": ${file} not found`,
    );
  }
  let project: unknown;
  try {
    project = parseYaml(text);
  } catch (error) {
    // The engine refuses such a pack before starting it; so does the plan (exit 3, no stack trace).
    throw new PolicyPackError(
      `failed to load Pulumi policy project located at "${packDir}": ${file}: expected valid YAML, found ${yamlErrorText((error as Error).message)}`,
    );
  }
  const version =
    project !== null && typeof project === "object" ? (project as { version?: unknown }).version : undefined;
  return typeof version === "string" && version !== "" ? { version } : {};
}

/** Reads and parses a config file; PolicyConfigError for a missing, unreadable or malformed one. */
export function readPolicyPackConfigFile(file: string): PolicyPackConfig | undefined {
  let text: string;
  try {
    text = readInputFile(file, {
      what: "a policy pack config file (JSON)",
      maxBytes: INPUT_LIMITS.policyConfig,
    });
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    throw new PolicyConfigError(file, [
      `(root): expected ${expectedFile(error.options)}, found ${error.found}`,
    ]);
  }
  return parsePolicyPackConfig(text, file);
}

/** Runs `work` over the items with at most `limit` promises in flight; results keep item order. */
async function mapBounded<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item, index: number) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function rpcDetails(error: unknown): string {
  const serviceError = error as Partial<grpc.ServiceError>;
  return serviceError.details || serviceError.message || String(error);
}

/** Starts the pack and runs one analysis; the pack is killed afterwards, also on errors. */
export async function runPolicyPack(options: RunPolicyPackOptions): Promise<PolicyRunResult> {
  // A bad config file is the user's mistake: report it before paying for the pack's start-up.
  if (options.configFile) readPolicyPackConfigFile(options.configFile);
  const session = await openPolicyPack(options);
  try {
    return await session.run(options);
  } finally {
    await session.close();
  }
}

/** Starts the pack, handshakes, configureStack, getAnalyzerInfo; the caller must `close()` it. */
type Rpc = <Response>(what: string, pending: Promise<Response>) => Promise<Response>;

/** One started pack process with its client; a session holds one or more. */
interface PackHandle {
  client: AnalyzerConnection;
  rpc: Rpc;
  info: AnalyzerInfo;
  startMs: number;
  close(): Promise<void>;
}

// Handshake, ConfigureStack and AnalyzeStack are optional in the protocol: Unimplemented is fine.
function unlessUnimplemented<Response>(pending: Promise<Response>): Promise<Response | undefined> {
  return pending.catch((error: unknown) => {
    if (isUnimplemented(error)) return undefined;
    throw error;
  });
}

async function startHandle(
  packDir: string,
  options: PolicyPackSessionOptions,
  started?: LaunchedPack,
): Promise<PackHandle> {
  const environment = packEnvironment(options);
  const identity = {
    stack: environment.stack,
    project: environment.project,
    organization: environment.organization,
    dryRun: environment.dryRun,
  };
  if (started && JSON.stringify(started.environment) !== JSON.stringify(environment)) {
    await started.stop();
    throw new Error("policy pack: the launched process has another environment than its session");
  }
  const pack = await (started?.ready ??
    startPolicyPack(packDir, environment, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS));
  const startMs = pack.startMs;
  const client = new AnalyzerConnection(pack.port);
  const close = async () => {
    client.close();
    await pack.stop();
  };
  // Every RPC races the process: a pack that dies mid-run fails fast, quoting its stderr.
  const rpc: Rpc = async (what, pending) => {
    try {
      return await Promise.race([pending, pack.exited]);
    } catch (error) {
      if (error instanceof PolicyPackError) throw error;
      throw new PolicyPackError(
        `policy pack at "${packDir}" failed ${what}: ${rpcDetails(error)}`,
        pack.stderrTail(),
      );
    }
  };
  try {
    await rpc(
      "the handshake",
      unlessUnimplemented(client.handshake(handshakeRequest(engineAddress, packDir))),
    );
    await rpc(
      "configureStack",
      unlessUnimplemented(
        client.configureStack(
          stackConfigureRequest({
            ...identity,
            tags: options.stackTags ?? {},
            config: options.stackConfig ?? {},
            configSecretKeys: options.configSecretKeys ?? [],
          }),
        ),
      ),
    );
    const info = decodeAnalyzerInfo(await rpc("getAnalyzerInfo", client.getAnalyzerInfo()));
    return { client, rpc, info, startMs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Starts the pack, handshakes, configureStack, getAnalyzerInfo; the caller must `close()` it. */
export async function openPolicyPack(options: PolicyPackSessionOptions): Promise<PolicyPackSession> {
  const packDir = path.resolve(options.packDir);
  let project: PolicyProject;
  try {
    project = readPolicyProject(packDir);
  } catch (error) {
    await options.started?.stop();
    throw error;
  }
  const count = Math.max(1, Math.floor(options.processes ?? 1));
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, index) =>
      startHandle(packDir, options, index === 0 ? options.started : undefined),
    ),
  );
  const handles = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const closeAll = async () => {
    await Promise.all(handles.map((handle) => handle.close()));
  };
  const failure = started.find((outcome) => outcome.status === "rejected");
  if (failure) {
    await closeAll();
    throw failure.reason;
  }
  const info = handles[0]!.info;
  const packVersion = project.version ?? info.version;
  const startMs = Math.max(...handles.map((handle) => handle.startMs));
  let closed = false;
  return {
    packName: info.name,
    packVersion,
    startMs,
    close: async () => {
      if (closed) return;
      closed = true;
      await closeAll();
    },
    run: (runOptions) => analyze({ handles, info, packVersion, startMs }, runOptions),
  };
}

interface SessionState {
  /** The first handle also serves configure checks and analyzeStack. */
  handles: PackHandle[];
  info: AnalyzerInfo;
  packVersion: string;
  startMs: number;
}

/** Reconciles and sends the config (InstallAndLoadPolicyPlugins), or throws PolicyConfigError. */
async function configurePack(
  session: SessionState,
  configFile: string | undefined,
): Promise<AnalyzerPolicyInfo[]> {
  const { info, handles } = session;
  const fileConfig = configFile ? readPolicyPackConfigFile(configFile) : undefined;
  // Levels change with each configure: hand out copies, never the session's own.
  const policies = info.policies.map((policy) => ({ ...policy }));
  if (!info.supportsConfig) {
    if (configFile)
      throw new PolicyConfigError(configFile, [`(root): policy pack "${info.name}" does not support config`]);
    return policies;
  }
  const unknown = findUnknownPolicyNames(info.policies, fileConfig);
  if (unknown.length > 0) {
    const names = info.policies.map((policy) => policy.name).join(", ");
    throw new PolicyConfigError(
      configFile,
      unknown.map(
        (name) =>
          `${name}: expected a policy of pack "${info.name}" (${names}) or "${allPoliciesKey}", found an unknown name`,
      ),
    );
  }
  const reconciled = reconcilePolicyPackConfig(info.policies, info.initialConfig, fileConfig);
  if (reconciled.validationErrors.length > 0)
    throw new PolicyConfigError(configFile, reconciled.validationErrors);
  const levelless = Object.entries(reconciled.config).filter(([, entry]) => entry.enforcementLevel === "");
  if (levelless.length > 0) {
    // The engine's Configure rejects these with `invalid enforcement level ""`.
    throw new PolicyConfigError(
      configFile,
      levelless.map(([name]) => `${name}: expected an enforcementLevel beside the settings, found none`),
    );
  }
  if (Object.keys(reconciled.config).length > 0) {
    const request = configureRequest(reconciled.config);
    await Promise.all(handles.map((handle) => handle.rpc("configure", handle.client.configure(request))));
  }
  for (const policy of policies) {
    const level = reconciled.config[policy.name]?.enforcementLevel;
    if (level) policy.enforcementLevel = level;
  }
  return policies;
}

async function analyze(session: SessionState, options: PolicyRunOptions): Promise<PolicyRunResult> {
  const { handles, info } = session;
  const policies = await configurePack(session, options.configFile);

  const severityOf = new Map(policies.map((policy) => [policy.name, policy.severity] as const));
  const toViolation = (diagnostic: Diagnostic, urn: string): PolicyViolation => ({
    policyName: diagnostic.policyName,
    // The engine reports a violation at remediate level as mandatory.
    enforcementLevel: diagnostic.enforcementLevel === "remediate" ? "mandatory" : diagnostic.enforcementLevel,
    // A diagnostic without a severity takes its policy's (getPolicySeverity).
    severity: diagnostic.severity || severityOf.get(diagnostic.policyName) || ("" as Severity),
    urn,
    message: diagnostic.message.trimEnd(),
  });

  const byUrn = new Map(options.resources.map((resource) => [resource.urn, resource] as const));
  // Remediate is a no-op unless some policy runs at that level; skipping it then saves a round trip.
  const remediating = policies.some((policy) => policy.enforcementLevel === "remediate");
  // Properties travel as encoded Struct bytes (wire.ts): built once per resource, reused by analyzeStack.
  const finalProperties = new Map<string, Buffer>();
  const providers = new Map<string, Buffer | undefined>();
  /** The AnalyzerProviderResource for a resource's explicit provider (marshalProvider), once per provider. */
  const providerOf = (resource: PlannedResource): Buffer | undefined => {
    if (!resource.provider) return undefined;
    const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    if (!providers.has(urn)) {
      const provider = byUrn.get(urn);
      providers.set(
        urn,
        provider ? encodeProviderResource(provider, encodeStruct(engineProperties(provider))) : undefined,
      );
    }
    return providers.get(urn);
  };

  const analyzeStartedAt = performance.now();
  const perResource = await mapBounded(
    options.resources,
    options.concurrency ?? defaultConcurrency,
    async (resource, index) => {
      // Resources are dealt round-robin over the pack processes.
      const { rpc, client } = handles[index % handles.length]!;
      const violations: PolicyViolation[] = [];
      const inputs = engineProperties(resource);
      let properties = encodeStruct(inputs);
      if (remediating) {
        const response = await rpc(
          `to remediate ${resource.urn}`,
          client.remediate(analyzeRequest(resource, byUrn, toStruct(inputs))),
        );
        for (const remediation of decodeRemediations(response)) {
          if (remediation.diagnostic !== "") {
            violations.push({
              policyName: remediation.policyName,
              enforcementLevel: "advisory",
              severity: severityOf.get(remediation.policyName) ?? "",
              urn: resource.urn,
              message: remediation.diagnostic.trimEnd(),
            });
          } else if (remediation.properties) {
            properties = encodeStruct(remediation.properties);
          }
        }
      }
      finalProperties.set(resource.urn, properties);
      const diagnostics = await rpc(
        `to analyze ${resource.urn}`,
        client.analyzeEncoded(encodeAnalyzeRequest(resource, properties, providerOf(resource))),
      );
      // The engine reports per-resource diagnostics at the analyzed resource's URN, whatever they say.
      for (const diagnostic of diagnostics) violations.push(toViolation(diagnostic, resource.urn));
      return violations;
    },
  );
  const analyzeMs = performance.now() - analyzeStartedAt;

  const stackStartedAt = performance.now();
  const stackViolations: PolicyViolation[] = [];
  const stackDiagnostics = await handles[0]!.rpc(
    "analyzeStack",
    unlessUnimplemented(
      handles[0]!.client.analyzeStackEncoded(
        encodeAnalyzeStackRequest(
          options.resources,
          (resource) => finalProperties.get(resource.urn) ?? encodeStruct(engineProperties(resource)),
          providerOf,
        ),
      ),
    ),
  );
  for (const diagnostic of stackDiagnostics ?? []) {
    stackViolations.push(toViolation(diagnostic, diagnostic.urn));
  }
  const analyzeStackMs = performance.now() - stackStartedAt;

  return {
    pack: { name: info.name, version: session.packVersion },
    violations: [...perResource.flat(), ...stackViolations],
    exemptions: [],
    policies,
    timings: { startMs: session.startMs, analyzeMs, analyzeStackMs },
  };
}
