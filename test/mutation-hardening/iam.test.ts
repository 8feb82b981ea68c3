/**
 * The IAM reader (policies/lib/iam.ts): every grant family with its exact grants, member parsing,
 * domain and service-account allow-lists with several entries, and the rules that use them.
 */
import { describe, expect, it } from "vitest";
import {
  aclEntityToMember,
  domainAllowed,
  googleServiceAccountProblem,
  grantsAccess,
  grantsOf,
  hierarchyLevelOf,
  iamFamilyOf,
  isDefaultServiceAccount,
  parseMember,
} from "../../policies/lib/iam";
import { catalog } from "../../policies/profiles";
import { ruleNamed, runResource } from "../policies/harness";

const rules = catalog();

describe("iamFamilyOf, grantsAccess, hierarchyLevelOf", () => {
  it.each([
    ["gcp:projects/iAMMember:IAMMember", "member", true, "project"],
    ["gcp:projects/iAMBinding:IAMBinding", "binding", true, "project"],
    ["gcp:projects/iAMPolicy:IAMPolicy", "policy", true, "project"],
    ["gcp:folder/iAMMember:IAMMember", "member", true, "folder"],
    ["gcp:organizations/iAMBinding:IAMBinding", "binding", true, "organization"],
    ["gcp:storage/bucketIAMMember:BucketIAMMember", "member", true, undefined],
    ["gcp:secretmanager/secretIamMember:SecretIamMember", "member", true, undefined],
    ["gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy", "policy", true, undefined],
    ["gcp:bigquery/dataset:Dataset", undefined, true, undefined],
    ["gcp:bigquery/datasetAccess:DatasetAccess", undefined, true, undefined],
    ["gcp:storage/bucketAccessControl:BucketAccessControl", undefined, true, undefined],
    ["gcp:storage/objectAccessControl:ObjectAccessControl", undefined, true, undefined],
    ["gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl", undefined, true, undefined],
    ["gcp:storage/bucketACL:BucketACL", undefined, true, undefined],
    ["gcp:storage/objectACL:ObjectACL", undefined, true, undefined],
    ["gcp:storage/defaultObjectACL:DefaultObjectACL", undefined, true, undefined],
    // Near misses: the family must end the token, the module and package must be GCP's.
    ["gcp:projects/iAMMember:IAMMemberX", undefined, false, undefined],
    ["aws:projects/iAMMember:IAMMember", undefined, false, undefined],
    ["xgcp:projects/iAMMember:IAMMember", undefined, false, undefined],
    ["gcp:projects/iAMCustomRole:IAMCustomRole", undefined, false, undefined],
    ["gcp:projects/iAMAuditConfig:IAMAuditConfig", undefined, false, undefined],
    ["gcp:projects/iaMMember:IAMember", undefined, false, undefined],
    ["gcp:storage/bucket:Bucket", undefined, false, undefined],
    ["gcp:projects-x/iAMMember:IAMMember", undefined, false, undefined],
    ["gcp:projects/iAMMember:Project.IAMMember", undefined, false, undefined],
  ])("%s: family %s, grants %s, level %s", (type, family, grants, level) => {
    expect(iamFamilyOf(type)).toBe(family);
    expect(grantsAccess(type)).toBe(grants);
    expect(hierarchyLevelOf(type)).toBe(level);
  });

  it("a hierarchy level needs an IAM family: a project that is not an IAM resource has none", () => {
    expect(hierarchyLevelOf("gcp:projects/service:Service")).toBeUndefined();
    expect(hierarchyLevelOf("gcp:folder/folder:Folder")).toBeUndefined();
    expect(hierarchyLevelOf("gcp:organizations/project:Project")).toBeUndefined();
  });
});

describe("grantsOf: every family, exact grants", () => {
  it("member, binding and policy", () => {
    expect(
      grantsOf("gcp:projects/iAMMember:IAMMember", { role: "roles/viewer", member: "group:g@a.com" }),
    ).toEqual({
      grants: [{ role: "roles/viewer", member: "group:g@a.com", where: "member" }],
    });
    expect(grantsOf("gcp:projects/iAMMember:IAMMember", {})).toEqual({
      grants: [{ role: "", member: "", where: "member" }],
    });
    expect(
      grantsOf("gcp:projects/iAMBinding:IAMBinding", {
        role: "roles/viewer",
        members: ["user:a@a.com", "allUsers"],
      }),
    ).toEqual({
      grants: [
        { role: "roles/viewer", member: "user:a@a.com", where: "members[0]" },
        { role: "roles/viewer", member: "allUsers", where: "members[1]" },
      ],
    });
    expect(grantsOf("gcp:projects/iAMBinding:IAMBinding", { members: ["allUsers"] })).toEqual({
      grants: [{ role: "", member: "allUsers", where: "members[0]" }],
    });
    expect(grantsOf("gcp:projects/iAMBinding:IAMBinding", { role: "r", members: "allUsers" })).toEqual({
      grants: [],
    });
    const policyData = JSON.stringify({
      bindings: [
        { role: "roles/owner", members: ["user:o@a.com"] },
        { members: ["allUsers", "group:g@a.com"] },
        { role: "roles/none" },
      ],
    });
    expect(grantsOf("gcp:storage/bucketIAMPolicy:BucketIAMPolicy", { policyData })).toEqual({
      grants: [
        { role: "roles/owner", member: "user:o@a.com", where: "policyData.bindings[0].members[0]" },
        { role: "", member: "allUsers", where: "policyData.bindings[1].members[0]" },
        { role: "", member: "group:g@a.com", where: "policyData.bindings[1].members[1]" },
      ],
    });
  });

  it("policyData that is empty, absent, without bindings or not JSON", () => {
    const policy = "gcp:projects/iAMPolicy:IAMPolicy";
    expect(grantsOf(policy, {})).toEqual({ grants: [] });
    expect(grantsOf(policy, { policyData: "  " })).toEqual({ grants: [] });
    expect(grantsOf(policy, { policyData: 42 })).toEqual({ grants: [] });
    expect(grantsOf(policy, { policyData: "{}" })).toEqual({ grants: [] });
    expect(grantsOf(policy, { policyData: "{bindings" })).toEqual({
      grants: [],
      // The strict decoder names what it expected where: after "{" (offset 0) comes a key string at offset 1.
      problem: "policyData is not valid JSON: expected a string at offset 1, so its grants cannot be checked",
    });
  });

  it("BigQuery dataset accesses and DatasetAccess", () => {
    expect(
      grantsOf("gcp:bigquery/dataset:Dataset", {
        accesses: [
          { role: "READER", userByEmail: "u@a.com", groupByEmail: "g@a.com" },
          { role: "WRITER", domain: "a.com", iamMember: "serviceAccount:s@p.iam.gserviceaccount.com" },
          { role: "READER", specialGroup: "allAuthenticatedUsers" },
          { role: "READER", specialGroup: "allUsers" },
          { role: "READER", specialGroup: "projectReaders" },
          { specialGroup: "allUsers" },
        ],
      }),
    ).toEqual({
      grants: [
        { role: "READER", member: "user:u@a.com", where: "accesses[0]" },
        { role: "READER", member: "group:g@a.com", where: "accesses[0]" },
        { role: "WRITER", member: "domain:a.com", where: "accesses[1]" },
        { role: "WRITER", member: "serviceAccount:s@p.iam.gserviceaccount.com", where: "accesses[1]" },
        { role: "READER", member: "allAuthenticatedUsers", where: "accesses[2]" },
        { role: "READER", member: "allUsers", where: "accesses[3]" },
        { role: "", member: "allUsers", where: "accesses[5]" },
      ],
    });
    expect(grantsOf("gcp:bigquery/dataset:Dataset", { accesses: "allUsers" })).toEqual({ grants: [] });
    expect(
      grantsOf("gcp:bigquery/datasetAccess:DatasetAccess", { role: "OWNER", specialGroup: "allUsers" }),
    ).toEqual({ grants: [{ role: "OWNER", member: "allUsers", where: "access" }] });
    expect(grantsOf("gcp:bigquery/datasetAccess:DatasetAccess", { userByEmail: "u@a.com" })).toEqual({
      grants: [{ role: "", member: "user:u@a.com", where: "access" }],
    });
  });

  it("BucketAccessControl, ObjectAccessControl, DefaultObjectAccessControl: the entity", () => {
    expect(
      grantsOf("gcp:storage/bucketAccessControl:BucketAccessControl", { role: "READER", entity: "allUsers" }),
    ).toEqual({ grants: [{ role: "READER", member: "allUsers", where: "entity" }] });
    expect(
      grantsOf("gcp:storage/objectAccessControl:ObjectAccessControl", {
        role: "OWNER",
        entity: "allAuthenticatedUsers",
      }),
    ).toEqual({ grants: [{ role: "OWNER", member: "allAuthenticatedUsers", where: "entity" }] });
    expect(
      grantsOf("gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl", {
        entity: "group-g@a.com",
      }),
    ).toEqual({ grants: [{ role: "", member: "group:g@a.com", where: "entity" }] });
    expect(
      grantsOf("gcp:storage/bucketAccessControl:BucketAccessControl", {
        role: "READER",
        entity: "project-owners-1",
      }),
    ).toEqual({ grants: [] });
    expect(grantsOf("gcp:storage/bucketAccessControl:BucketAccessControl", { role: "READER" })).toEqual({
      grants: [],
    });
  });

  it("BucketACL / ObjectACL / DefaultObjectACL: role entities and predefined ACLs", () => {
    expect(
      grantsOf("gcp:storage/bucketACL:BucketACL", {
        roleEntities: [
          "READER:allUsers",
          "OWNER:user-o@a.com",
          "WRITER:project-editors-1",
          "allAuthenticatedUsers",
          ":group-g@a.com",
        ],
        predefinedAcl: "publicRead",
      }),
    ).toEqual({
      grants: [
        { role: "READER", member: "allUsers", where: "roleEntities[0]" },
        { role: "OWNER", member: "user:o@a.com", where: "roleEntities[1]" },
        { role: "", member: "allAuthenticatedUsers", where: "roleEntities[3]" },
        { role: "", member: "group:g@a.com", where: "roleEntities[4]" },
        { role: "READER", member: "allUsers", where: "predefinedAcl" },
      ],
    });
    expect(grantsOf("gcp:storage/objectACL:ObjectACL", { predefinedAcl: " PublicReadWrite " })).toEqual({
      grants: [{ role: "WRITER", member: "allUsers", where: "predefinedAcl" }],
    });
    expect(
      grantsOf("gcp:storage/defaultObjectACL:DefaultObjectACL", { defaultAcl: "authenticatedRead" }),
    ).toEqual({
      grants: [{ role: "READER", member: "allAuthenticatedUsers", where: "defaultAcl" }],
    });
    for (const acl of ["private", "projectPrivate", "bucketOwnerRead", "bucketOwnerFullControl"])
      expect(grantsOf("gcp:storage/bucketACL:BucketACL", { predefinedAcl: acl }), acl).toEqual({
        grants: [],
      });
    expect(
      grantsOf("gcp:storage/bucketACL:BucketACL", { predefinedAcl: 1, roleEntities: "READER:allUsers" }),
    ).toEqual({ grants: [] });
  });

  it("a type that grants nothing has no grants", () => {
    expect(
      grantsOf("gcp:storage/bucket:Bucket", {
        member: "allUsers",
        entity: "allUsers",
        predefinedAcl: "publicRead",
        roleEntities: ["READER:allUsers"],
      }),
    ).toEqual({ grants: [] });
  });
});

describe("aclEntityToMember", () => {
  it.each([
    ["allUsers", "allUsers"],
    [" AllUsers ", "allUsers"],
    ["allauthenticatedusers", "allAuthenticatedUsers"],
    ["user-a@b.com", "user:a@b.com"],
    ["group-g@b.com", "group:g@b.com"],
    ["domain-b.com", "domain:b.com"],
    ["user-", undefined],
    ["user-a@b.com\nallUsers", undefined],
    ["project-owners-123", undefined],
    ["xuser-a@b.com", undefined],
    ["", undefined],
  ])("%j → %j", (entity, member) => {
    expect(aclEntityToMember(entity)).toBe(member);
  });
});

describe("parseMember", () => {
  it.each([
    ["allUsers", { kind: "allUsers", id: "allUsers" }],
    ["allAuthenticatedUsers", { kind: "allAuthenticatedUsers", id: "allAuthenticatedUsers" }],
    ["user:A@Example.COM", { kind: "user", id: "A@Example.COM", domain: "example.com" }],
    ["user:a@b.com?uid=123", { kind: "user", id: "a@b.com", domain: "b.com" }],
    ["group:a@b@c.com", { kind: "group", id: "a@b@c.com", domain: "c.com" }],
    ["domain:Example.com", { kind: "domain", id: "Example.com", domain: "example.com" }],
    [
      " serviceAccount :s@p.iam.gserviceaccount.com",
      { kind: "serviceAccount", id: "s@p.iam.gserviceaccount.com", domain: "p.iam.gserviceaccount.com" },
    ],
    ["projectOwner:my-project", { kind: "projectOwner", id: "my-project", domain: undefined }],
    ["deleted:user:a@b.com?uid=1", { kind: "deleted:user", id: "a@b.com", domain: "b.com" }],
    ["deleted:allUsers", { kind: "deleted:allUsers", id: "allUsers" }],
    [
      "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*",
      {
        kind: "principalSet",
        id: "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*",
      },
    ],
    [
      "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/s",
      {
        kind: "principal",
        id: "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/s",
      },
    ],
    ["nocolon", { kind: "unknown", id: "nocolon" }],
    [":x@b.com", { kind: "", id: "x@b.com", domain: "b.com" }],
    ["user:@b.com", { kind: "user", id: "@b.com", domain: "b.com" }],
  ])("%s", (member, parsed) => {
    expect(parseMember(member)).toEqual(parsed);
  });
});

describe("default service accounts", () => {
  it.each([
    ["123-compute@developer.gserviceaccount.com", true],
    ["123-COMPUTE@Developer.gserviceaccount.com", true],
    ["my-project@appspot.gserviceaccount.com", true],
    ["123-compute@developer.gserviceaccount.com.evil.com", false],
    ["my-project@appspot.gserviceaccount.com.evil.com", false],
    ["123-computer@developer.gserviceaccount.com", false],
    ["123@developerxgserviceaccount.com", false],
    ["x@appspotxgserviceaccount.com", false],
    ["deploy@acme.iam.gserviceaccount.com", false],
  ])("%s → %s", (email, expected) => {
    expect(isDefaultServiceAccount(email)).toBe(expected);
  });
});

describe("domainAllowed with several entries", () => {
  const allowed = ["acme.com", "@Partner.org", "corp.acme.io"];
  it.each([
    ["acme.com", true],
    ["ACME.com", true],
    ["eu.acme.com", true], // a subdomain of an allowed domain
    ["a.b.acme.com", true],
    ["partner.org", true], // second entry, written with @ and in another case
    ["team.partner.org", true],
    ["corp.acme.io", true], // third entry
    ["acme.io", false], // the parent of an allowed subdomain is not allowed
    ["notacme.com", false], // a suffix without the dot is another domain
    ["acme.com.evil.com", false],
    ["evil.com", false],
    ["", false],
  ])("%s → %s", (domain, expected) => {
    expect(domainAllowed(domain, allowed)).toBe(expected);
  });

  it("only a leading @ is dropped from an entry", () => {
    expect(domainAllowed("xacme.com", ["x@acme.com"])).toBe(false);
  });

  it("an empty allow-list allows nothing", () => {
    expect(domainAllowed("acme.com", [])).toBe(false);
  });
});

describe("googleServiceAccountProblem with several prefixes", () => {
  const prefixes = ["acme-", "Partner-"];
  it.each([
    ["deploy@acme-prod.iam.gserviceaccount.com", undefined],
    ["Deploy@ACME-prod.iam.gserviceaccount.com", undefined],
    ["x@partner-data.iam.gserviceaccount.com", undefined], // second prefix, matched without case
    ["service-42@gcp-sa-artifactregistry.iam.gserviceaccount.com", undefined],
    ["42@cloudservices.gserviceaccount.com", undefined],
    ["42@cloudbuild.gserviceaccount.com", undefined],
    ["42-compute@developer.gserviceaccount.com", undefined],
    ["p@appspot.gserviceaccount.com", undefined],
    ["service-42@compute-system.iam.gserviceaccount.com", undefined],
    ["service-42@gs-project-accounts.iam.gserviceaccount.com", undefined],
    ["service-42@cloud-ml.google.com.iam.gserviceaccount.com", undefined],
    [
      "service-42@evil.iam.gserviceaccount.com",
      "belongs to project evil, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "service-x@compute-system.iam.gserviceaccount.com",
      "belongs to project compute-system, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "robot-42@compute-system.iam.gserviceaccount.com",
      "belongs to project compute-system, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "x@my-acme-prod.iam.gserviceaccount.com",
      "belongs to project my-acme-prod, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "x@gcp-sa-x.iam.gserviceaccount.com.evil.iam.gserviceaccount.com",
      "belongs to project gcp-sa-x.iam.gserviceaccount.com.evil, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "xservice-42@compute-system.iam.gserviceaccount.com",
      "belongs to project compute-system, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "service-42x@compute-system.iam.gserviceaccount.com",
      "belongs to project compute-system, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "x@acme-a.iam.gserviceaccount.com.evil.com",
      "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)",
    ],
    ...["cloudservices", "developer", "appspot"].flatMap((agent): [string, string][] => [
      [
        `x@evil${agent}.gserviceaccount.com`,
        "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)",
      ],
      [
        `x@${agent}.gserviceaccount.com.evil`,
        "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)",
      ],
    ]),
    [
      "x@other.gserviceaccount.com",
      "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)",
    ],
    [
      "x@xgcp-sa-a.iam.gserviceaccount.com",
      "belongs to project xgcp-sa-a, whose id does not start with an allowed prefix (acme-, Partner-)",
    ],
    [
      "x@xcloudbuild.gserviceaccount.com",
      "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)",
    ],
    [
      "x@cloudbuild.gserviceaccount.comx",
      "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)",
    ],
  ])("%s → %s", (email, problem) => {
    expect(googleServiceAccountProblem(email, prefixes)).toBe(problem);
  });

  // Google's service-agent projects: service-<number>@ in one of them is an account Google manages.
  it.each([
    "compute-system",
    "container-engine-robot",
    "gs-project-accounts",
    "dataflow-service-producer-prod",
    "serverless-robot-prod",
    "containerregistry",
    "cloud-tpu",
    "dataproc-accounts",
    "cloudcomposer-accounts",
    "cloud-redis",
    "cloud-filer",
    "gcf-admin-robot",
    "firebase-rules",
    "sourcerepo-service-accounts",
    "cloud-ml.google.com",
    "genomics-api.google.com",
  ])("service-<number>@%s is a service agent", (project) => {
    expect(
      googleServiceAccountProblem(`service-123456789012@${project}.iam.gserviceaccount.com`, []),
    ).toBeUndefined();
  });

  it("an empty prefix allows no project; with only empty prefixes none is configured", () => {
    expect(googleServiceAccountProblem("x@anything.iam.gserviceaccount.com", ["", "acme-"])).toBe(
      "belongs to project anything, whose id does not start with an allowed prefix (acme-)",
    );
    expect(googleServiceAccountProblem("x@anything.iam.gserviceaccount.com", [""])).toBe(
      "belongs to project anything, whose id does not start with an allowed prefix (none configured)",
    );
    expect(googleServiceAccountProblem("x@acme-a.iam.gserviceaccount.com", [])).toBe(
      "belongs to project acme-a, whose id does not start with an allowed prefix (none configured)",
    );
  });
});

describe("rules over the reader: exact violations", () => {
  const publicMembers = ruleNamed(rules, "iam-no-public-members");
  const domains = ruleNamed(rules, "iam-allowed-member-domains");

  it("public BucketAccessControl and ObjectAccessControl grants are reported", () => {
    expect(
      runResource(publicMembers, {
        type: "gcp:storage/bucketAccessControl:BucketAccessControl",
        props: { bucket: "b", role: "READER", entity: "allUsers" },
      }).messages,
    ).toEqual(["entity: allUsers is granted READER; this makes the resource public."]);
    expect(
      runResource(publicMembers, {
        type: "gcp:storage/objectAccessControl:ObjectAccessControl",
        props: { bucket: "b", object: "o", role: "OWNER", entity: "allAuthenticatedUsers" },
      }).messages,
    ).toEqual(["entity: allAuthenticatedUsers is granted OWNER; this makes the resource public."]);
    expect(
      runResource(publicMembers, {
        type: "gcp:storage/objectAccessControl:ObjectAccessControl",
        props: { bucket: "b", object: "o", role: "OWNER", entity: "group-g@example.com" },
      }).messages,
    ).toEqual([]);
  });

  it("iam-allowed-member-domains with two domains and two prefixes", () => {
    const config = {
      allowedDomains: ["acme.com", "partner.org"],
      allowedServiceAccountProjectPrefixes: ["acme-", "partner-"],
    };
    const binding = (members: string[]) => ({
      type: "gcp:projects/iAMBinding:IAMBinding",
      props: { project: "p", role: "roles/viewer", members },
    });
    expect(
      runResource(
        domains,
        binding([
          "group:eng@acme.com",
          "user:a@eu.acme.com",
          "group:x@partner.org",
          "serviceAccount:ci@partner-build.iam.gserviceaccount.com",
          "serviceAccount:ci@acme-prod.iam.gserviceaccount.com",
          "allUsers",
          "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*",
          "projectOwner:p",
        ]),
        config,
      ).messages,
    ).toEqual([]);
    expect(
      runResource(
        domains,
        binding([
          "user:a@acme.com.evil.com",
          "domain:notacme.com",
          "serviceAccount:ci@evil-build.iam.gserviceaccount.com",
          "serviceAccount:x@robots.example.net",
        ]),
        config,
      ).messages,
    ).toEqual([
      "members[0]: user:a@acme.com.evil.com is outside the allowed domains (acme.com, partner.org).",
      "members[1]: domain:notacme.com is outside the allowed domains (acme.com, partner.org).",
      "members[2]: serviceAccount:ci@evil-build.iam.gserviceaccount.com belongs to project evil-build, whose id does not start with an allowed prefix (acme-, partner-).",
      "members[3]: serviceAccount:x@robots.example.net is outside the allowed domains (acme.com, partner.org).",
    ]);
  });
});
