/**
 * The runner's direct protobuf encoding (tools/analyzer/wire.ts) against google-protobuf: the same
 * bytes for every request the runner sends, the same diagnostics from every response it reads.
 */
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import fc from "fast-check";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  analyzeRequest,
  analyzeStackRequest,
  decodeDiagnostics,
  toStruct,
} from "../../tools/analyzer/client";
import { engineProperties, unknownStringValue } from "../../tools/analyzer/properties";
import {
  decodeAnalyzeResponse,
  encodeAnalyzeRequest,
  encodeAnalyzeStackRequest,
  encodeProviderResource,
  encodeStruct,
} from "../../tools/analyzer/wire";
import type { PlannedResource } from "../../tools/plan/model";
import { bundledPlan } from "../helpers/bundled-plans";

const jspbBytes = (message: { serializeBinary(): Uint8Array }) => Buffer.from(message.serializeBinary());

const providerUrn = "urn:pulumi:dev::platform::pulumi:providers:gcp::europe";
const crafted: PlannedResource[] = [
  {
    urn: "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev",
    type: "pulumi:pulumi:Stack",
    name: "platform-dev",
    parent: null,
    custom: false,
    protect: false,
    inputs: {},
  },
  {
    urn: providerUrn,
    type: "pulumi:providers:gcp",
    name: "europe",
    parent: "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev",
    custom: true,
    protect: false,
    inputs: { project: "p-1", region: "europe-west1", credentials: "[secret]" },
    secretPaths: ["credentials"],
  },
  {
    urn: "urn:pulumi:dev::platform::gcp:storage/bucket:Bucket::données",
    type: "gcp:storage/bucket:Bucket",
    name: "données",
    parent: "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev",
    custom: true,
    protect: true,
    provider: `${providerUrn}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`,
    aliases: ["urn:pulumi:dev::platform::gcp:storage/bucket:Bucket::old", ""],
    dependencies: [providerUrn, "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev"],
    propertyDependencies: {
      labels: [providerUrn],
      pending: [providerUrn, "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev"],
    },
    inputs: {
      location: "EU",
      labels: { "app.kubernetes.io/name": "shop", b: "2", a: "1", "10": "ten", "2": "two", "": "" },
      versioning: { enabled: false },
      lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 0, ratio: -1.5, big: 2 ** 60 } }],
      nothing: null,
      pending: unknownStringValue,
      nested: [[], {}, [null, true, "", "😀 ünïcödé", 1e-7]],
      long: "x".repeat(300),
      __defaults: [],
    },
  },
];

/** A larger stack of real shapes: the bundled dev stack, planned under mocks. */
let planned: PlannedResource[] = [];

beforeAll(async () => {
  planned = (await bundledPlan("dev")).resources;
}, 60_000);

function providerBytes(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>) {
  if (!resource.provider) return undefined;
  const provider = byUrn.get(resource.provider.slice(0, resource.provider.lastIndexOf("::")));
  return provider ? encodeProviderResource(provider, encodeStruct(engineProperties(provider))) : undefined;
}

describe("request encoding", () => {
  it("writes the bytes google-protobuf writes for every analyze request", () => {
    const resources = [...crafted, ...planned];
    // The bundled dev stack's size is its own business (not pinned); it must be a sizeable sample.
    expect(planned.length).toBeGreaterThan(50);
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource] as const));
    for (const resource of resources) {
      const properties = engineProperties(resource);
      const expected = jspbBytes(analyzeRequest(resource, byUrn, toStruct(properties)));
      const actual = encodeAnalyzeRequest(resource, encodeStruct(properties), providerBytes(resource, byUrn));
      expect(actual.equals(expected), resource.urn).toBe(true);
    }
  });

  it("writes the bytes google-protobuf writes for the analyzeStack request", () => {
    const resources = [...crafted, ...planned];
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource] as const));
    const expected = jspbBytes(
      analyzeStackRequest(resources, byUrn, (resource) => toStruct(engineProperties(resource))),
    );
    const actual = encodeAnalyzeStackRequest(
      resources,
      (resource) => encodeStruct(engineProperties(resource)),
      (resource) => providerBytes(resource, byUrn),
    );
    // Larger than the writer's first buffer, so growing it is covered too.
    expect(actual.length).toBeGreaterThan(64 * 1024);
    expect(actual.equals(expected)).toBe(true);
  });

  it("encodes any JSON object as Struct.fromJavaScript does", () => {
    fc.assert(
      // A `__proto__` key never gets here (engineProperties drops `__` keys, as SkipInternalKeys
      // does), and jspb.Map cannot hold one (it lands on its backing object's prototype).
      fc.property(
        fc
          .dictionary(fc.string(), fc.jsonValue())
          .filter((object) => !JSON.stringify(object).includes('"__proto__"')),
        (object) => {
          const expected = jspbBytes(Struct.fromJavaScript(object as never));
          expect(encodeStruct(object).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses what Struct.fromJavaScript refuses", () => {
    expect(() => encodeStruct({ missing: [undefined] })).toThrow("Unexpected struct type.");
    expect(() => Struct.fromJavaScript({ missing: [undefined] } as never)).toThrow("Unexpected struct type.");
  });
});

describe("response decoding", () => {
  function response(diagnostics: Partial<Record<string, string | number>>[], notApplicable: number) {
    const message = new analyzerProto.AnalyzeResponse();
    message.setDiagnosticsList(
      diagnostics.map((fields) => {
        const diagnostic = new analyzerProto.AnalyzeDiagnostic();
        diagnostic.setPolicyname(String(fields.policyName ?? ""));
        diagnostic.setPolicypackname(String(fields.policyPackName ?? ""));
        diagnostic.setPolicypackversion("1.2.3");
        diagnostic.setDescription(String(fields.description ?? ""));
        diagnostic.setMessage(String(fields.message ?? ""));
        diagnostic.setEnforcementlevel(Number(fields.level ?? 0) as analyzerProto.EnforcementLevel);
        diagnostic.setUrn(String(fields.urn ?? ""));
        diagnostic.setSeverity(Number(fields.severity ?? 0) as analyzerProto.PolicySeverity);
        return diagnostic;
      }),
    );
    message.setNotApplicableList(
      Array.from({ length: notApplicable }, (_, index) => {
        const item = new analyzerProto.PolicyNotApplicable();
        item.setPolicyName(`policy-${index}`);
        item.setReason("Policy only applies to resources of type 'gcp:storage/bucket:Bucket'");
        return item;
      }),
    );
    return message;
  }

  it("reads the diagnostics google-protobuf reads, skipping the not-applicable list", () => {
    const diagnostics = [];
    for (let level = 0; level <= 3; level++) {
      for (let severity = 0; severity <= 5; severity++) {
        diagnostics.push({
          policyName: `p-${level}-${severity}`,
          policyPackName: "platform-policies",
          description: "d",
          message: `${"line\n".repeat(level * 40)}ünïcödé 😀`,
          level,
          severity,
          urn: severity % 2 ? "" : `urn:pulumi:dev::platform::gcp:storage/bucket:Bucket::b-${severity}`,
        });
      }
    }
    for (const [list, notApplicable] of [
      [diagnostics, 40],
      [diagnostics, 0],
      [[], 33],
      [[], 0],
      [[{}], 1],
    ] as const) {
      const message = response([...list], notApplicable);
      expect(decodeAnalyzeResponse(message.serializeBinary())).toEqual(decodeDiagnostics(message));
    }
  });

  it("rejects an enforcement level out of range, as the engine does", () => {
    const message = response([{ policyName: "p", level: 9 }], 0);
    expect(() => decodeDiagnostics(message)).toThrow("invalid enforcement level 9");
    expect(() => decodeAnalyzeResponse(message.serializeBinary())).toThrow("invalid enforcement level 9");
  });
});
