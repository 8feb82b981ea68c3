/**
 * Every resource rule's passing and failing fixture, through the real pack: started as the engine
 * starts it, configured and called over the Analyzer gRPC protocol (tools/analyzer).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../policies/profiles";
import { openPolicyPack, type PolicyPackSession } from "../../tools/analyzer";
import type { PlannedResource } from "../../tools/plan/model";
import { bundledPlan } from "../helpers/bundled-plans";
import { type Case, cases } from "./cases";
import { type FakeResource, ruleNamed } from "./harness";

const STACK = "protocol-test";
const scratch = mkdtempSync(join(tmpdir(), "policy-protocol-"));
let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await openPolicyPack({ packDir: "policies", stack: STACK, project: "platform", dryRun: true });
});

afterAll(async () => {
  await pack?.close();
});

function planned(fixture: FakeResource, name: string): PlannedResource {
  return {
    urn: `urn:pulumi:${STACK}::platform::${fixture.type}::${name}`,
    type: fixture.type,
    name,
    parent: null,
    custom: true,
    protect: fixture.protect ?? false,
    inputs: fixture.props ?? {},
  };
}

/** The case's rule made mandatory with the case's settings, in the `--policy-pack-config` format. */
function configFileFor(testCase: Case, index: number): string {
  const file = join(scratch, `case-${index}.json`);
  writeFileSync(
    file,
    JSON.stringify({ [testCase.rule]: { enforcementLevel: "mandatory", ...(testCase.config ?? {}) } }),
  );
  return file;
}

describe("resource rules through the Analyzer protocol", () => {
  it.each(cases.map((testCase, index) => ({ ...testCase, index })))("$rule", async (testCase) => {
    const pass = planned(testCase.pass, "passing");
    const fail = planned(testCase.fail, "failing");
    const report = await pack.run({
      configFile: configFileFor(testCase, testCase.index),
      resources: [pass, fail],
    });
    const ofRule = report.violations.filter((violation) => violation.policyName === testCase.rule);
    expect(ofRule.filter((violation) => violation.urn === pass.urn)).toEqual([]);
    const failing = ofRule.filter((violation) => violation.urn === fail.urn);
    for (const violation of failing) expect(violation.enforcementLevel).toBe("mandatory");
    // The SDK sends each violation as the policy's description, a newline, then the message.
    const description = ruleNamed(catalog(), testCase.rule).description;
    if (testCase.violations) {
      expect(failing.map((violation) => violation.message).sort()).toEqual(
        testCase.violations.map((message) => `${description}\n${message}`).sort(),
      );
    } else {
      // Exactly the expected violations, as in the direct test (rules.test.ts), now over the protocol.
      expect(failing.map((violation) => violation.message)).toEqual(
        testCase.expect.map((pattern) =>
          typeof pattern === "string" ? `${description}\n${pattern}` : expect.stringMatching(pattern),
        ),
      );
    }
  });
});

describe("stack policies through the Analyzer protocol, on the planned dev stack", () => {
  it("catches an environment without its sink and key, and a bucket made public by a separate grant", async () => {
    const { resources } = await bundledPlan("dev");
    const envUrn = "urn:pulumi:dev::platform::platform:environment:GcpEnvironment::payments";
    const stripped = resources.filter(
      (r) =>
        !(
          r.parent === envUrn &&
          ["gcp:logging/projectSink:ProjectSink", "gcp:kms/cryptoKey:CryptoKey"].includes(r.type)
        ),
    );
    const bucketUrn = "urn:pulumi:dev::platform::gcp:storage/bucket:Bucket::assets";
    const extra: PlannedResource[] = [
      {
        urn: bucketUrn,
        type: "gcp:storage/bucket:Bucket",
        name: "assets",
        parent: resources[0].urn,
        custom: true,
        protect: false,
        inputs: {
          name: "acme-assets",
          location: "EU",
          uniformBucketLevelAccess: true,
          publicAccessPrevention: "inherited",
        },
      },
      {
        urn: "urn:pulumi:dev::platform::gcp:storage/bucketIAMMember:BucketIAMMember::public-read",
        type: "gcp:storage/bucketIAMMember:BucketIAMMember",
        name: "public-read",
        parent: resources[0].urn,
        custom: true,
        protect: false,
        inputs: { bucket: "acme-assets", role: "roles/storage.objectViewer", member: "allUsers" },
      },
    ];
    const report = await pack.run({
      configFile: "policies/config/dev.json",
      resources: [...stripped, ...extra],
    });
    const baseline = report.violations.filter((v) => v.policyName === "environment-baseline");
    expect(baseline.map((v) => [v.urn, v.enforcementLevel])).toEqual([[envUrn, "advisory"]]);
    // The SDK reports the policy's description, then the violation's own message.
    expect(baseline[0].message).toBe(
      "Every environment has a budget, an audit-log sink and a KMS key.\nenvironment payments is missing: audit-log sink, KMS key.",
    );
    const viaIam = report.violations.filter((v) => v.policyName === "bucket-public-via-iam");
    expect(viaIam.map((v) => [v.urn, v.enforcementLevel])).toEqual([[bucketUrn, "mandatory"]]);
    expect(viaIam[0].message).toBe(
      "No bucket is made public by a separate IAM resource.\nbucket assets is made public by BucketIAMMember public-read (allUsers roles/storage.objectViewer).",
    );
  });
});
