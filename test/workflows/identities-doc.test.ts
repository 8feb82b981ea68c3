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
    // Who may impersonate each identity, written by hand from the trust rules: preview from a pull
    // request of the repository or from main; deploy only from a push on main in environment prod,
    // by the deploy workflow of main.
    const pool =
      "principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/github-actions";
    const who = Object.fromEntries(
      section
        .split("\n")
        .filter((line) => /^\| (preview|deploy) \|/.test(line))
        .map((line) => {
          const cells = line.split(" | ");
          return [cells[0].slice(2), cells[2].split("<br>").map((member) => member.replace(/`/g, ""))];
        }),
    );
    expect(who).toEqual({
      preview: [
        `${pool}/attribute.repository_event/612345678/pull_request`,
        `${pool}/attribute.repository_ref/612345678/refs/heads/main`,
      ],
      deploy: [
        `${pool}/attribute.deploy_target/612345678/prod/push/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main`,
      ],
    });
    expect(section).toContain(
      '(attribute condition: `assertion.repository_owner_id == "81234567" && assertion.repository_id in ["612345678"] && assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]`).',
    );
  }, 60_000);

  it("names the service accounts the component creates, not others", () => {
    const doc = readFileSync(WORKFLOWS_DOC, "utf8");
    expect(doc).not.toMatch(/pulumi-(preview|deploy)@/);
  });
});
