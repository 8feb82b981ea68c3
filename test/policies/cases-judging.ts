/**
 * Cases where the pack must judge values as Google does, not as they are spelt: IAM policy
 * documents decoded like the provider's Go JSON, address space, audit trail, types nobody else
 * checks. Each failing fixture lists its exact violations of the rule.
 */
import type { Case } from "./cases";
import type { FakeResource } from "./harness";

const GROUP = "group:ops@example.com";
const policy = (type: string, document: unknown, extra: Record<string, unknown> = {}): FakeResource => ({
  type,
  props: { ...extra, policyData: typeof document === "string" ? document : JSON.stringify(document) },
});
const PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy";
const BUCKET_POLICY = "gcp:storage/bucketIAMPolicy:BucketIAMPolicy";

export const judgingCases: Case[] = [
  {
    rule: "iam-no-public-members",
    pass: policy(
      BUCKET_POLICY,
      { Bindings: [{ Role: "roles/storage.objectViewer", Members: [GROUP] }] },
      { bucket: "b" },
    ),
    fail: policy(
      BUCKET_POLICY,
      { Bindings: [{ Role: "roles/owner", Members: ["allUsers"] }] },
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      "policyData.bindings[0].members[0]: allUsers is granted roles/owner; this makes the resource public.",
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(
      BUCKET_POLICY,
      '{"bindings":[{"role":"roles/storage.objectViewer","members":["group:ops@example.com"]}]}',
      {
        bucket: "b",
      },
    ),
    // U+017F (long s) and U+212A (Kelvin sign) fold to s and k in Go's decoder; an upper-case member is the same member.
    fail: policy(
      BUCKET_POLICY,
      '{"BINDING\u017f":[{"rOLE":"roles/storage.objectViewer","MEMBERS":[" ALLAUTHENTICATEDUSERS "]}]}',
      {
        bucket: "b",
      },
    ),
    expect: [],
    violations: [
      "policyData.bindings[0].members[0]: allAuthenticatedUsers is granted roles/storage.objectViewer; this makes the resource public.",
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(BUCKET_POLICY, { bindings: [], etag: "BwX=", version: 3 }, { bucket: "b" }),
    fail: policy(
      BUCKET_POLICY,
      '{"bindings":[{"role":"roles/storage.objectViewer","members":["group:ops@example.com"]}],"Bindings":[{"role":"roles/storage.admin","members":["allUsers"]}]}',
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      'policyData has the key bindings twice ("bindings" and "Bindings"); the provider would merge them, so its grants cannot be checked',
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(
      BUCKET_POLICY,
      {
        bindings: [
          {
            role: "roles/storage.objectViewer",
            members: [GROUP],
            condition: { title: "t", expression: "true" },
          },
        ],
      },
      { bucket: "b" },
    ),
    fail: policy(
      BUCKET_POLICY,
      { bindings: [{ role: "roles/storage.objectViewer", members: [GROUP], member: "allUsers" }] },
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      'policyData.bindings[0] has the key "member", which is not part of the IAM policy format (expected condition, members, role), so its grants cannot be checked',
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(BUCKET_POLICY, "null", { bucket: "b" }),
    fail: policy(
      BUCKET_POLICY,
      { bindings: [{ role: "roles/storage.objectViewer", members: "allUsers" }] },
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      'policyData.bindings[0].members is string "allUsers", expected an array, so its grants cannot be checked',
    ],
  },
  {
    rule: "iam-no-primitive-roles",
    pass: policy(
      PROJECT_POLICY,
      { bindings: [{ role: "roles/logging.viewer", members: [GROUP] }] },
      { project: "p" },
    ),
    fail: policy(
      PROJECT_POLICY,
      { BINDINGS: [{ ROLE: "roles/editor", mEmBeRs: [GROUP] }] },
      { project: "p" },
    ),
    expect: [],
    violations: [
      "policyData.bindings[0].members[0]: primitive role roles/editor granted to group:ops@example.com at project level.",
    ],
  },
  {
    rule: "iam-no-primitive-roles",
    pass: policy(
      PROJECT_POLICY,
      { bindings: [{ role: "roles/logging.viewer", members: [GROUP] }] },
      { project: "p" },
    ),
    fail: policy(PROJECT_POLICY, '{"bindings": [{"role": "roles/owner", "members": [', { project: "p" }),
    expect: [],
    violations: [
      "policyData is not valid JSON: expected a JSON value at offset 50, so its grants cannot be checked",
    ],
  },
];
