/**
 * IAM permissions of the platform's CI identities: for every resource the stack declares, the
 * preview identity's roles cover what a preview/refresh reads, and the deploy identity's roles cover
 * what `pulumi up` reads and writes (components/apis/type-permissions.json, from Google's IAM
 * reference), checked against the permissions of Google's predefined roles (policies/lib/roles.ts).
 */
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import typePermissions from "../../components/apis/type-permissions.json";
import { BOOTSTRAP_ROLES, type BootstrapScope } from "../../components/ci-identity/bootstrap-roles";
import { DEPLOY_ROLES, PREVIEW_ROLES } from "../../components/ci-identity/roles";
import { stateGrants } from "../../components/state-backend/access";
import { isPredefinedRole, permissionsOf, predefinedRoles } from "../../policies/lib/roles";
import type { PlannedResource } from "../../tools/plan/model";
import { bundledPlan } from "../helpers/bundled-plans";

type Scope = BootstrapScope | "project";
interface Requirement {
  scope: Scope;
  read: string[];
  write: string[];
}
const REQUIREMENTS = typePermissions.types as Record<string, Requirement[]>;
const STACKS = readdirSync("stacks")
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();
const plans = new Map<string, PlannedResource[]>();

beforeAll(async () => {
  for (const stack of STACKS) plans.set(stack, (await bundledPlan(stack, "known")).resources);
}, 300_000);

/** The project a resource lives in: its `project`, or the project in its parent resource's id. */
function projectOf(resource: PlannedResource): string | undefined {
  if (typeof resource.inputs.project === "string") return resource.inputs.project;
  for (const key of ["keyRing", "serviceAccountId"]) {
    const match = /^projects\/([^/]+)\//.exec(String(resource.inputs[key] ?? ""));
    if (match) return match[1];
  }
  return undefined;
}

/** Every permission the roles grant. Unknown role names fail loudly: they would fail on Google too. */
function permissionsOfRoles(roles: Iterable<string>): Set<string> {
  const result = new Set<string>();
  for (const role of roles) {
    const permissions = permissionsOf(role);
    if (!permissions) throw new Error(`${role} is not a predefined role`);
    for (const permission of permissions) result.add(permission);
  }
  return result;
}

/** What an identity is missing to preview (read) or deploy (read + write) every resource of the stack. */
function missingPermissions(
  resources: PlannedResource[],
  identity: "preview" | "deploy",
  accountId: string,
): string[] {
  const account = resources.find(
    (r) => r.type === "gcp:serviceaccount/account:Account" && r.inputs.accountId === accountId,
  );
  if (!account) throw new Error(`no service account ${accountId} in the stack`);
  const member = `serviceAccount:${accountId}@${account.inputs.project}.iam.gserviceaccount.com`;
  const bootstrap = BOOTSTRAP_ROLES[identity];
  const projectRoles = new Map<string, string[]>();
  const stateRoles: Record<"stateBucket" | "stateKey", string[]> = { stateBucket: [], stateKey: [] };
  for (const grant of resources.filter((r) => r.inputs.member === member)) {
    const role = String(grant.inputs.role);
    if (grant.type === "gcp:projects/iAMMember:IAMMember") {
      const project = String(grant.inputs.project);
      projectRoles.set(project, [...(projectRoles.get(project) ?? []), role]);
    } else if (grant.type === "gcp:storage/bucketIAMMember:BucketIAMMember")
      stateRoles.stateBucket.push(role);
    else if (grant.type === "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") stateRoles.stateKey.push(role);
  }
  const rolesAt = (scope: Scope, resource: PlannedResource): string[] => {
    if (scope === "project")
      return [...(projectRoles.get(projectOf(resource) ?? "") ?? []), ...bootstrap.folder];
    if (scope === "stateBucket" || scope === "stateKey") return [...stateRoles[scope], ...bootstrap[scope]];
    return [...bootstrap[scope]];
  };
  const missing = new Set<string>();
  for (const resource of resources) {
    for (const requirement of REQUIREMENTS[resource.type] ?? []) {
      const granted = permissionsOfRoles(rolesAt(requirement.scope, resource));
      const needed = identity === "preview" ? requirement.read : [...requirement.read, ...requirement.write];
      for (const permission of needed)
        if (!granted.has(permission)) missing.add(`${resource.type} (${requirement.scope}): ${permission}`);
    }
  }
  return [...missing].sort();
}

describe.each(STACKS)("stack %s", (stack) => {
  it("knows the permissions of every provider type the stack declares", () => {
    const types = new Set(
      plans
        .get(stack)!
        .filter((r) => r.custom && r.type.startsWith("gcp:"))
        .map((r) => r.type),
    );
    expect([...types].filter((type) => !REQUIREMENTS[type])).toEqual([]);
  });

  it("the preview identity can read everything a preview or refresh reads", () => {
    expect(missingPermissions(plans.get(stack)!, "preview", "preview-platform")).toEqual([]);
  });

  it("the deploy identity can read and write everything `up` creates or updates", () => {
    expect(missingPermissions(plans.get(stack)!, "deploy", "deploy-platform")).toEqual([]);
  });
});

describe("role and permission names", () => {
  it("grants predefined roles only", () => {
    const roles = [
      ...PREVIEW_ROLES,
      ...DEPLOY_ROLES,
      ...Object.values(BOOTSTRAP_ROLES).flatMap((scopes) => Object.values(scopes).flat()),
      ...stateGrants("reader").map((grant) => grant.role),
      ...stateGrants("writer").map((grant) => grant.role),
    ];
    expect(roles.filter((role) => !isPredefinedRole(role))).toEqual([]);
    expect(() => permissionsOfRoles(["roles/compute.superAdmin"])).toThrow(
      "roles/compute.superAdmin is not a predefined role",
    );
  });

  it("names permissions that some predefined role grants (no typos)", () => {
    const known = permissionsOfRoles(predefinedRoles());
    const named = Object.values(REQUIREMENTS).flatMap((list) => list.flatMap((r) => [...r.read, ...r.write]));
    expect(named.filter((permission) => !known.has(permission))).toEqual([]);
  });

  it("budgets need billing.costsManager: billing.user cannot create them", () => {
    expect(permissionsOf("roles/billing.user")!.has("billing.budgets.create")).toBe(false);
    expect(permissionsOf("roles/billing.costsManager")!.has("billing.budgets.create")).toBe(true);
  });
});
