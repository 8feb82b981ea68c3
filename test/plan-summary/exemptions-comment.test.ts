import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/plan/model";
import { renderPlanMarkdown } from "../../tools/plan-summary/markdown";

const base: PlanResult = {
  stack: "prod",
  project: "platform",
  resources: [],
  summary: { resourceCount: 0, byType: {} },
  policy: { pack: { name: "platform-policies", version: "0.1.0" }, violations: [], exemptions: [] },
};

describe("exemptions in force in the pull-request comment", () => {
  it("lists every exemption in force with its owner, ticket and expiry, each field inert", () => {
    const markdown = renderPlanMarkdown({
      ...base,
      policy: {
        ...base.policy!,
        exemptions: [
          {
            policy: "vm-no-external-ip",
            resource: "urn:pulumi:prod::platform::gcp:compute/instance:Instance::bastion",
            owner: "@platform-team <b>x</b>",
            reason: "temporary bastion",
            ticket: "PLAT-142",
            expires: "2027-02-28",
          },
        ],
      },
    });
    expect(markdown.slice(markdown.indexOf("#### Policy exemptions in force"))).toBe(
      [
        "#### Policy exemptions in force (1)",
        "",
        "| Policy | Resource | Owner | Ticket | Expires |",
        "| --- | --- | --- | --- | --- |",
        "| `vm-no-external-ip` | `urn:pulumi:prod::platform::gcp:compute/instance:Instance::bastion` | `@platform-team <b>x</b>` | `PLAT-142` | `2027-02-28` |",
        "",
      ].join("\n"),
    );
  });
  it("adds no section when nothing is exempt", () => {
    expect(renderPlanMarkdown(base)).not.toContain("Policy exemptions in force");
  });
});
