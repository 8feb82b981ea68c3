/**
 * The engine's side of the Analyzer service: request building and response decoding, mirroring
 * pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go.
 */
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { EnforcementLevel, PlannedResource, Severity } from "../plan/model";
import { engineProperties } from "./properties";
import type { AnalyzerPolicyInfo, JsonSchema, PolicyConfigEntry, PolicyPackConfig } from "./reconcile";
import { type Diagnostic, decodeAnalyzeResponse } from "./wire";

export type { Diagnostic } from "./wire";

/** The pack's gRPC server accepts 400 MB; analyzeStack over a large stack needs more than 4 MB. */
const maxMessageBytes = 400 * 1024 * 1024;

/**
 * The window the pack may fill with responses before waiting for this side to acknowledge them.
 * grpc-js starts at HTTP/2's 64 KiB, which holds only a few dozen analyze responses and stalls the
 * pack; the engine's Go gRPC grows its window (BDP estimation) up to 16 MiB.
 */
const flowControlWindowBytes = 16 * 1024 * 1024;

const passBytes = (bytes: Buffer): Buffer => bytes;

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

function unary<Response>(start: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => {
    start((error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** The Analyzer client with promise-returning calls. */
export class AnalyzerConnection {
  private readonly client: analyzerRpc.AnalyzerClient;

  constructor(port: number) {
    this.client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": maxMessageBytes,
      "grpc.max_send_message_length": maxMessageBytes,
      "grpc-node.flow_control_window": flowControlWindowBytes,
    });
  }

  handshake(request: analyzerProto.AnalyzerHandshakeRequest) {
    return unary<analyzerProto.AnalyzerHandshakeResponse>((done) => this.client.handshake(request, done));
  }

  configureStack(request: analyzerProto.AnalyzerStackConfigureRequest) {
    return unary<analyzerProto.AnalyzerStackConfigureResponse>((done) =>
      this.client.configureStack(request, done),
    );
  }

  getAnalyzerInfo() {
    return unary<analyzerProto.AnalyzerInfo>((done) => this.client.getAnalyzerInfo(new Empty(), done));
  }

  configure(request: analyzerProto.ConfigureAnalyzerRequest) {
    return unary<Empty>((done) => this.client.configure(request, done));
  }

  remediate(request: analyzerProto.AnalyzeRequest) {
    return unary<analyzerProto.RemediateResponse>((done) => this.client.remediate(request, done));
  }

  analyze(request: analyzerProto.AnalyzeRequest) {
    return unary<analyzerProto.AnalyzeResponse>((done) => this.client.analyze(request, done));
  }

  analyzeStack(request: analyzerProto.AnalyzeStackRequest) {
    return unary<analyzerProto.AnalyzeResponse>((done) => this.client.analyzeStack(request, done));
  }

  /** Analyze with a request already encoded (wire.ts); answers the response's diagnostics. */
  analyzeEncoded(request: Buffer): Promise<Diagnostic[]> {
    return this.encodedCall("/pulumirpc.Analyzer/Analyze", request);
  }

  /** AnalyzeStack with a request already encoded (wire.ts); answers the response's diagnostics. */
  analyzeStackEncoded(request: Buffer): Promise<Diagnostic[]> {
    return this.encodedCall("/pulumirpc.Analyzer/AnalyzeStack", request);
  }

  private encodedCall(method: string, request: Buffer): Promise<Diagnostic[]> {
    return unary<Diagnostic[]>((done) =>
      this.client.makeUnaryRequest(method, passBytes, decodeAnalyzeResponse, request, (error, response) =>
        done(error, response ?? []),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

export function isUnimplemented(error: unknown): boolean {
  return (error as grpc.ServiceError | undefined)?.code === grpc.status.UNIMPLEMENTED;
}

const levelFromProto: Record<number, EnforcementLevel> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
};

const levelToProto: Record<EnforcementLevel, analyzerProto.EnforcementLevel> = {
  advisory: analyzerProto.EnforcementLevel.ADVISORY,
  mandatory: analyzerProto.EnforcementLevel.MANDATORY,
  remediate: analyzerProto.EnforcementLevel.REMEDIATE,
  disabled: analyzerProto.EnforcementLevel.DISABLED,
};

const severityFromProto: Record<number, Severity> = {
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: "",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzerProto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** convertEnforcementLevel: an out-of-range value is an error in the engine too. */
export function enforcementLevelFromProto(value: number): EnforcementLevel {
  const level = levelFromProto[value];
  if (!level) throw new Error(`invalid enforcement level ${value}`);
  return level;
}

/** convertSeverity: anything unknown reads as unspecified. */
export function severityFromProtoValue(value: number): Severity {
  return severityFromProto[value] ?? "";
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  /** Sorted by name, as the engine sorts them. */
  policies: AnalyzerPolicyInfo[];
  initialConfig: PolicyPackConfig;
}

function policyType(value: number): AnalyzerPolicyInfo["type"] {
  if (value === analyzerProto.PolicyType.POLICY_TYPE_RESOURCE) return "resource";
  if (value === analyzerProto.PolicyType.POLICY_TYPE_STACK) return "stack";
  return "unknown";
}

/** GetAnalyzerInfo's decoding, including the injected `enforcementLevel` schema property. */
export function decodeAnalyzerInfo(info: analyzerProto.AnalyzerInfo): AnalyzerInfo {
  const supportsConfig = info.getSupportsconfig();
  const policies = info.getPoliciesList().map((policy): AnalyzerPolicyInfo => {
    const decoded: AnalyzerPolicyInfo = {
      name: policy.getName(),
      displayName: policy.getDisplayname(),
      description: policy.getDescription(),
      enforcementLevel: enforcementLevelFromProto(policy.getEnforcementlevel()),
      severity: severityFromProtoValue(policy.getSeverity()),
      type: policyType(policy.getPolicyType()),
    };
    if (supportsConfig) {
      const schema = policy.getConfigschema();
      const properties = (schema?.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonSchema>;
      properties.enforcementLevel = {
        type: "string",
        enum: ["advisory", "mandatory", "remediate", "disabled"],
      };
      const required = schema?.getRequiredList() ?? [];
      decoded.configSchema = required.length > 0 ? { properties, required } : { properties };
    }
    return decoded;
  });
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // convertPolicyConfig: a missing level decodes as the proto default, ADVISORY, as in the engine.
  const initialConfig: PolicyPackConfig = {};
  info.getInitialconfigMap().forEach((entry, name) => {
    const properties = (entry.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
    initialConfig[name] = {
      enforcementLevel: enforcementLevelFromProto(entry.getEnforcementlevel()),
      properties,
    };
  });
  return { name: info.getName(), version: info.getVersion(), supportsConfig, policies, initialConfig };
}

export function configureRequest(config: PolicyPackConfig): analyzerProto.ConfigureAnalyzerRequest {
  const request = new analyzerProto.ConfigureAnalyzerRequest();
  const map = request.getPolicyconfigMap();
  for (const [name, entry] of Object.entries(config) as [string, PolicyConfigEntry][]) {
    if (entry.enforcementLevel === "") throw new Error(`invalid enforcement level ""`);
    const policyConfig = new analyzerProto.PolicyConfig();
    policyConfig.setEnforcementlevel(levelToProto[entry.enforcementLevel]);
    policyConfig.setProperties(Struct.fromJavaScript((entry.properties ?? {}) as never));
    map.set(name, policyConfig);
  }
  return request;
}

export interface StackIdentity {
  stack: string;
  project: string;
  organization: string;
  dryRun: boolean;
  tags: Record<string, string>;
  config: Record<string, string>;
  configSecretKeys: string[];
}

export function stackConfigureRequest(identity: StackIdentity): analyzerProto.AnalyzerStackConfigureRequest {
  const request = new analyzerProto.AnalyzerStackConfigureRequest();
  request.setStack(identity.stack);
  request.setProject(identity.project);
  request.setOrganization(identity.organization);
  request.setDryRun(identity.dryRun);
  for (const [key, value] of Object.entries(identity.tags)) request.getTagsMap().set(key, value);
  for (const [key, value] of Object.entries(identity.config)) request.getConfigMap().set(key, value);
  request.setConfigSecretKeysList(identity.configSecretKeys);
  return request;
}

export function handshakeRequest(
  engineAddress: string,
  packDir: string,
): analyzerProto.AnalyzerHandshakeRequest {
  const request = new analyzerProto.AnalyzerHandshakeRequest();
  request.setEngineAddress(engineAddress);
  request.setRootDirectory(packDir);
  request.setProgramDirectory(packDir);
  return request;
}

/** marshalResourceOptions. Analyze passes the parent here; AnalyzeStack passes it beside. */
function resourceOptions(
  resource: PlannedResource,
  withParent: boolean,
): analyzerProto.AnalyzerResourceOptions {
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setProtect(resource.protect);
  options.setAliasesList(resource.aliases ?? []);
  options.setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
  if (withParent && resource.parent) options.setParent(resource.parent);
  return options;
}

/** `<provider urn>::<id>` → the provider resource as the engine sends it (its inputs). */
function providerResource(
  resource: PlannedResource,
  byUrn: ReadonlyMap<string, PlannedResource>,
): analyzerProto.AnalyzerProviderResource | undefined {
  if (!resource.provider) return undefined;
  const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
  const provider = byUrn.get(urn);
  if (!provider) return undefined;
  const message = new analyzerProto.AnalyzerProviderResource();
  message.setUrn(provider.urn);
  message.setType(provider.type);
  message.setName(provider.name);
  message.setProperties(Struct.fromJavaScript(engineProperties(provider) as never));
  return message;
}

/** A property bag as a protobuf Struct; built once per resource and shared by analyze and analyzeStack. */
export function toStruct(properties: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(properties as never);
}

export function analyzeRequest(
  resource: PlannedResource,
  byUrn: ReadonlyMap<string, PlannedResource>,
  properties: Struct,
): analyzerProto.AnalyzeRequest {
  const request = new analyzerProto.AnalyzeRequest();
  request.setUrn(resource.urn);
  request.setType(resource.type);
  request.setName(resource.name);
  request.setProperties(properties);
  request.setOptions(resourceOptions(resource, true));
  const provider = providerResource(resource, byUrn);
  if (provider) request.setProvider(provider);
  return request;
}

export function analyzeStackRequest(
  resources: readonly PlannedResource[],
  byUrn: ReadonlyMap<string, PlannedResource>,
  propertiesOf: (resource: PlannedResource) => Struct,
): analyzerProto.AnalyzeStackRequest {
  const request = new analyzerProto.AnalyzeStackRequest();
  request.setResourcesList(
    resources.map((resource) => {
      const message = new analyzerProto.AnalyzerResource();
      message.setUrn(resource.urn);
      message.setType(resource.type);
      message.setName(resource.name);
      message.setProperties(propertiesOf(resource));
      message.setOptions(resourceOptions(resource, false));
      const provider = providerResource(resource, byUrn);
      if (provider) message.setProvider(provider);
      message.setParent(resource.parent ?? "");
      message.setDependenciesList(resource.dependencies ?? []);
      const propertyDependencies = message.getPropertydependenciesMap();
      for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
        const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
        dependencies.setUrnsList(urns);
        propertyDependencies.set(property, dependencies);
      }
      return message;
    }),
  );
  return request;
}

export function decodeDiagnostics(response: analyzerProto.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((diagnostic) => ({
    policyName: diagnostic.getPolicyname(),
    policyPackName: diagnostic.getPolicypackname(),
    enforcementLevel: enforcementLevelFromProto(diagnostic.getEnforcementlevel()),
    severity: severityFromProtoValue(diagnostic.getSeverity()),
    urn: diagnostic.getUrn(),
    message: diagnostic.getMessage(),
  }));
}

export interface Remediation {
  policyName: string;
  properties?: Record<string, unknown>;
  diagnostic: string;
}

export function decodeRemediations(response: analyzerProto.RemediateResponse): Remediation[] {
  return response.getRemediationsList().map((remediation) => {
    const decoded: Remediation = {
      policyName: remediation.getPolicyname(),
      diagnostic: remediation.getDiagnostic(),
    };
    const properties = remediation.getProperties();
    if (properties) decoded.properties = properties.toJavaScript() as Record<string, unknown>;
    return decoded;
  });
}
