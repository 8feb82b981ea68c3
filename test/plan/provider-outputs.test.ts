/**
 * Which provider outputs are unknown at a first preview, derived from the @pulumi/gcp SDK's own
 * declarations. Expectations are written by hand from the provider's resource docs.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { previewResourceState, providerOutputsOf, UNKNOWN } from "../../tools/plan/mock-outputs";
import { deriveOutputs } from "../../tools/plan/provider-outputs/derive";
import {
  GCP_OUTPUTS_FILE,
  generateProviderOutputs,
  renderProviderOutputs,
} from "../../tools/plan/provider-outputs/generate";

const sdkDir = path.dirname(require.resolve("@pulumi/gcp/package.json"));

describe("computed outputs derived from the provider SDK", () => {
  it("service account: email, member, name, uniqueId are computed (docs: Attributes Reference); deletionPolicy has a default", () => {
    const account = providerOutputsOf("gcp:serviceaccount/account:Account")!;
    // accountId is optional in this SDK's AccountArgs, so the provider may fill it too.
    expect(account.computed).toEqual(["accountId", "email", "member", "name", "project", "uniqueId"]);
    expect(account.known).toEqual([
      "createIgnoreAlreadyExists",
      "deletionPolicy",
      "description",
      "disabled",
      "displayName",
    ]);
    expect(account.autoNamed).toBeUndefined();
  });

  it("project: number is computed; labels and billingAccount are plain optional inputs", () => {
    const project = providerOutputsOf("gcp:organizations/project:Project")!;
    expect(project.computed).toEqual(["effectiveLabels", "name", "number", "projectId", "pulumiLabels"]);
    expect(project.known).toEqual([
      "autoCreateNetwork",
      "billingAccount",
      "deletionPolicy",
      "folderId",
      "labels",
      "orgId",
      "tags",
    ]);
  });

  it("bucket: selfLink, url, timeCreated are computed; storageClass is optional", () => {
    const bucket = providerOutputsOf("gcp:storage/bucket:Bucket")!;
    expect(bucket.computed).toEqual(
      expect.arrayContaining(["selfLink", "url", "timeCreated", "projectNumber"]),
    );
    expect(bucket.known).toContain("storageClass");
    expect(bucket.autoNamed).toBe(true);
  });

  it("workload identity pool: name and state are computed; budget: name is computed", () => {
    expect(providerOutputsOf("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")!.computed).toEqual([
      "mode",
      "name",
      "project",
      "state",
    ]);
    expect(providerOutputsOf("gcp:billing/budget:Budget")!.computed).toEqual(["budgetFilter", "name"]);
    expect(providerOutputsOf("gcp:projects/iAMMember:IAMMember")!.computed).toEqual(["etag"]);
  });

  it("classifies a declaration by its Args and its output types", () => {
    const declaration = `
import * as pulumi from "@pulumi/pulumi";
export declare class Thing extends pulumi.CustomResource {
    static readonly __pulumiType: string;
    /** Set by the API. */
    readonly selfLink: pulumi.Output<string>;
    /** Optional and computed. */
    readonly region: pulumi.Output<string>;
    /** Defaults to \`STANDARD\`. */
    readonly tier: pulumi.Output<string>;
    readonly description: pulumi.Output<string | undefined>;
    readonly labels: pulumi.Output<{
        [key: string]: string;
    } | undefined>;
    readonly location: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
}
export interface ThingArgs {
    region?: pulumi.Input<string>;
    tier?: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    labels?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    location: pulumi.Input<string>;
    name?: pulumi.Input<string>;
}`;
    expect(deriveOutputs(declaration).get("Thing")).toEqual({
      computed: ["name", "region", "selfLink"],
      known: ["description", "labels", "location", "tier"],
      autoNamed: true,
    });
  });

  it("the committed data is what the installed SDK declares (regenerate with npx tsx tools/plan/provider-outputs/generate.ts)", () => {
    const generated = renderProviderOutputs(generateProviderOutputs(sdkDir));
    expect(generated === readFileSync(GCP_OUTPUTS_FILE, "utf8")).toBe(true);
  }, 60_000);
});

describe("a create during preview", () => {
  it("returns computed outputs the inputs leave unset as unknown, set ones as given, no id", () => {
    const state = previewResourceState("gcp:serviceaccount/account:Account", "ci-deploy", {
      accountId: "deploy-platform",
      project: "acme-ci",
      displayName: "Deploy",
    });
    expect(state.id).toBe("");
    expect(state.state).toMatchObject({
      accountId: "deploy-platform",
      project: "acme-ci",
      displayName: "Deploy",
      email: UNKNOWN,
      member: UNKNOWN,
      name: UNKNOWN,
      uniqueId: UNKNOWN,
      description: null,
    });
  });

  it("auto-names an unset optional name, as the provider's Check does", () => {
    const state = previewResourceState("gcp:storage/bucket:Bucket", "state", { location: "EU" });
    expect(state.state.name).toMatch(/^state-[0-9a-f]{7}$/);
    expect(state.state.url).toBe(UNKNOWN);
  });
});
