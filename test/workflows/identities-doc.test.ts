/** docs/workflows.md describes the CI identities the component actually creates. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  renderIdentitySection,
  WORKFLOWS_DOC,
  withIdentitySection,
} from "../../tools/workflow-docs/identities";

describe("docs/workflows.md", () => {
  it("its CI identities section is generated from the CiIdentity component (npx tsx tools/workflow-docs/identities.ts)", async () => {
    const doc = readFileSync(WORKFLOWS_DOC, "utf8");
    const section = await renderIdentitySection();
    expect(
      withIdentitySection(doc, section) === doc,
      "docs/workflows.md is stale: run npx tsx tools/workflow-docs/identities.ts",
    ).toBe(true);
    // What the section must say, written by hand from the component's contract.
    expect(section).toContain("`deploy-platform@<platform project>.iam.gserviceaccount.com`");
    expect(section).toContain("attribute.deploy_target/612345678/prod/");
    expect(section).toContain("`roles/billing.costsManager`");
    expect(section).not.toMatch(/roles\/(viewer|editor|owner)`/);
  }, 60_000);

  it("names the service accounts the component creates, not others", () => {
    const doc = readFileSync(WORKFLOWS_DOC, "utf8");
    expect(doc).not.toMatch(/pulumi-(preview|deploy)@/);
  });
});
