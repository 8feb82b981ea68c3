import { run } from "@bufbuild/cel";
import { describe, expect, test } from "vitest";
import {
  ALLOWED_EVENTS,
  accountId,
  deployAttributeValue,
  GOOGLE_SUBJECT_MAX_BYTES,
  githubAttributeCondition,
  githubAttributeMapping,
} from "../../components/ci-identity/claims";

const JWR = "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main";

/** GitHub ids are 64-bit: the longest decimal forms a claim can hold. */
const LONGEST_ID = "18446744073709551615";

function evaluate(expression: string, assertion: Record<string, string>): unknown {
  return run(expression, { assertion });
}

describe("attribute mapping", () => {
  const mapping = githubAttributeMapping();

  test("google.subject stays under Google's 127 bytes with the longest ids, whatever the other claims", () => {
    const assertion = {
      repository_id: LONGEST_ID,
      run_id: LONGEST_ID,
      run_attempt: LONGEST_ID,
      ref: `refs/heads/${"x".repeat(240)}`,
      environment: "e".repeat(255),
      sub: `repo:${"o".repeat(39)}@${LONGEST_ID}/${"r".repeat(100)}@${LONGEST_ID}:environment:${"e".repeat(255)}`,
    };
    const subject = evaluate(mapping["google.subject"], assertion) as string;
    expect(subject).toBe(`${LONGEST_ID}/${LONGEST_ID}/${LONGEST_ID}`);
    expect(Buffer.byteLength(subject)).toBe(62);
    expect(Buffer.byteLength(subject)).toBeLessThanOrEqual(GOOGLE_SUBJECT_MAX_BYTES);
  });

  test("google.subject never reads sub or names", () => {
    expect(mapping["google.subject"]).not.toMatch(/assertion\.(sub|repository\b|repository_owner\b|actor)/);
  });

  test("environment is guarded with has(): jobs without an environment map it to an empty string", () => {
    const base = { repository_id: "612345678", event_name: "push", ref: "refs/heads/main" };
    expect(evaluate(mapping["attribute.environment"], base)).toBe("");
    expect(evaluate(mapping["attribute.deploy_target"], base)).toBe("612345678//push/refs/heads/main:");
    expect(evaluate(mapping["attribute.deploy_target"], { ...base, environment: "prod" })).toBe(
      "612345678/prod/push/refs/heads/main:",
    );
    expect(
      evaluate(mapping["attribute.deploy_target"], { ...base, environment: "prod", job_workflow_ref: JWR }),
    ).toBe(`612345678/prod/push/refs/heads/main:${JWR}`);
  });

  test("maps numeric ids, ref, event, environment and the job's workflow", () => {
    expect(Object.keys(mapping).sort()).toEqual([
      "attribute.deploy_target",
      "attribute.environment",
      "attribute.event_name",
      "attribute.job_workflow_ref",
      "attribute.ref",
      "attribute.repository_event",
      "attribute.repository_id",
      "attribute.repository_owner_id",
      "attribute.repository_ref",
      "google.subject",
    ]);
    expect(mapping["attribute.repository_id"]).toBe("assertion.repository_id");
    expect(mapping["attribute.repository_owner_id"]).toBe("assertion.repository_owner_id");
  });
});

describe("attribute condition", () => {
  const condition = githubAttributeCondition({
    organizationId: "81234567",
    repositoryIds: ["623456789", "612345678", "612345678"],
  });

  test("pins the organization id and the sorted, de-duplicated repository ids, and allows the platform's events only", () => {
    expect(condition).toBe(
      'assertion.repository_owner_id == "81234567" && assertion.repository_id in ["612345678", "623456789"] && ' +
        'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    );
    expect([...ALLOWED_EVENTS]).toEqual(["push", "pull_request", "workflow_dispatch", "schedule"]);
  });

  test("stays three clauses, one list literal each, however many repositories the pool trusts", () => {
    const many = githubAttributeCondition({
      organizationId: "81234567",
      repositoryIds: Array.from({ length: 50 }, (_, index) => String(600000000 + index)),
    });
    expect(many.split(" && ")).toHaveLength(3);
  });

  test("refuses a token without an event_name", () => {
    expect(evaluate(condition, { repository_owner_id: "81234567", repository_id: "612345678" })).not.toBe(
      true,
    );
  });

  test.each([
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "push" }, true],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "pull_request" }, true],
    [
      { repository_owner_id: "81234567", repository_id: "612345678", event_name: "pull_request_target" },
      false,
    ],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "workflow_run" }, false],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "workflow_dispatch" }, true],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "schedule" }, true],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "issue_comment" }, false],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "issues" }, false],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "discussion" }, false],
    [
      { repository_owner_id: "81234567", repository_id: "612345678", event_name: "repository_dispatch" },
      false,
    ],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "check_run" }, false],
    [{ repository_owner_id: "81234567", repository_id: "612345678", event_name: "Push" }, false],
    [{ repository_owner_id: "81234567", repository_id: "999999999", event_name: "push" }, false],
    [{ repository_owner_id: "91234567", repository_id: "612345678", event_name: "push" }, false],
  ])("%j -> %s", (assertion, expected) => {
    expect(evaluate(condition, assertion)).toBe(expected);
  });
});

describe("deployAttributeValue", () => {
  test("requires a push of the deploy workflow, and keeps the binding's resource name of the value without the event", () => {
    expect(deployAttributeValue("612345678", "prod", "refs/heads/main", JWR)).toEqual({
      attribute: "deploy_target",
      value: `612345678/prod/push/refs/heads/main:${JWR}`,
      resourceKey: "612345678/prod/refs/heads/main",
    });
  });

  test("the mapped deploy_target of a push in the environment on the branch is the bound value, and nothing else is", () => {
    const mapping = githubAttributeMapping()["attribute.deploy_target"];
    const bound = deployAttributeValue("612345678", "prod", "refs/heads/main", JWR).value;
    const push = {
      repository_id: "612345678",
      environment: "prod",
      event_name: "push",
      ref: "refs/heads/main",
      job_workflow_ref: JWR,
    };
    expect(evaluate(mapping, push)).toBe(bound);
    for (const other of [
      { ...push, event_name: "workflow_dispatch" },
      { ...push, event_name: "schedule" },
      { ...push, environment: "prod/push", event_name: "workflow_dispatch" },
      { ...push, environment: "prod/push/refs/heads/main", ref: "refs/heads/feature" },
      { ...push, ref: "refs/heads/feature" },
    ]) {
      expect(evaluate(mapping, other), JSON.stringify(other)).not.toBe(bound);
    }
  });
});

describe("accountId", () => {
  const hash = () => "abcdef123456";
  test("prefixes the repository name", () => {
    expect(accountId("deploy", "payments-api", hash)).toBe("deploy-payments-api");
    expect(accountId("deploy", "Payments_API", hash)).toBe("deploy-payments-api");
  });
  test("shortens long names to 30 characters with a stable suffix", () => {
    const id = accountId("deploy", "customer-notification-preferences-service", hash);
    expect(id).toBe("deploy-customer-notific-abcdef");
    expect(id.length).toBeLessThanOrEqual(30);
    expect(id).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
  });
});
