/**
 * API enablement order, from the planned dependency graph: every resource in a project the stack
 * enables APIs for waits (directly, through the resources it depends on, or through its parent)
 * for the Service of the API it calls. A resource created first fails with SERVICE_DISABLED.
 */
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { apiOfType, mappedTypes } from "../../components/apis";
import type { PlannedResource } from "../../tools/plan/model";
import { bundledPlan } from "../helpers/bundled-plans";

const STACKS = readdirSync("stacks")
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();
const SERVICE = "gcp:projects/service:Service";
const PROJECT = "gcp:organizations/project:Project";
const plans = new Map<string, PlannedResource[]>();

beforeAll(async () => {
  for (const stack of STACKS) plans.set(stack, (await bundledPlan(stack, "known")).resources);
}, 300_000);

/** Every resource `resource` waits for: its dependencies and its ancestors', transitively. */
function waitsFor(resource: PlannedResource, byUrn: Map<string, PlannedResource>): Set<string> {
  const seen = new Set<string>();
  const queue = [resource.urn];
  while (queue.length > 0) {
    const current = byUrn.get(queue.pop()!);
    if (!current) continue;
    for (const next of [...(current.dependencies ?? []), ...(current.parent ? [current.parent] : [])]) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

/** The project a resource lives in: its `project` input, else its sibling project's (a budget). */
function projectOf(resource: PlannedResource, resources: PlannedResource[]): string | undefined {
  if (typeof resource.inputs.project === "string") return resource.inputs.project;
  const sibling = resources.find((r) => r.type === PROJECT && r.parent === resource.parent);
  return typeof sibling?.inputs.projectId === "string" ? sibling.inputs.projectId : undefined;
}

describe.each(STACKS)("stack %s", (stack) => {
  it("maps every provider type the stack uses to its API", () => {
    const types = new Set(
      plans
        .get(stack)!
        .filter((r) => r.type.startsWith("gcp:"))
        .map((r) => r.type),
    );
    expect([...types].filter((type) => apiOfType(type) === undefined)).toEqual([]);
  });

  it("orders every resource after the Service of its API in its project", () => {
    const resources = plans.get(stack)!;
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const services = new Map(
      resources
        .filter((r) => r.type === SERVICE)
        .map((r) => [`${r.inputs.project}/${r.inputs.service}`, r.urn] as const),
    );
    const managedProjects = new Set(resources.filter((r) => r.type === SERVICE).map((r) => r.inputs.project));
    const problems: string[] = [];
    for (const resource of resources) {
      const api = apiOfType(resource.type);
      if (!resource.custom || !api) continue;
      const project = projectOf(resource, resources);
      // A project the stack does not manage (the state bucket's) enables its APIs at bootstrap.
      if (!project || !managedProjects.has(project)) continue;
      const service = services.get(`${project}/${api}`);
      if (!service) problems.push(`${resource.urn}: ${api} is not enabled in ${project}`);
      else if (!waitsFor(resource, byUrn).has(service))
        problems.push(`${resource.urn}: does not wait for ${api} in ${project}`);
    }
    expect(problems).toEqual([]);
  });
});

describe.each(STACKS)("stack %s: APIs of the identity projects", (stack) => {
  it("enables sts and iamcredentials where a pool lives, cloudbilling where the deploy identity lives", () => {
    const resources = plans.get(stack)!;
    const enabled = (project: unknown) =>
      new Set(
        resources
          .filter((r) => r.type === SERVICE && r.inputs.project === project)
          .map((r) => r.inputs.service),
      );
    const pools = resources.filter((r) => r.type === "gcp:iam/workloadIdentityPool:WorkloadIdentityPool");
    for (const pool of pools) {
      for (const api of ["iam.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com"])
        expect(enabled(pool.inputs.project).has(api), `${api} in ${pool.inputs.project}`).toBe(true);
    }
    const deployAccounts = resources.filter(
      (r) => r.type === "gcp:serviceaccount/account:Account" && r.inputs.accountId === "deploy-platform",
    );
    for (const account of deployAccounts)
      expect(enabled(account.inputs.project).has("cloudbilling.googleapis.com")).toBe(true);
  });
});

describe("the type → API map", () => {
  it("names a googleapis.com service for every type but the project and its services", () => {
    for (const type of mappedTypes()) {
      const api = apiOfType(type);
      if (type === PROJECT || type === SERVICE) expect(api, type).toBeNull();
      else expect(api, type).toMatch(/^[a-z]+\.googleapis\.com$/);
    }
    expect(apiOfType("gcp:serviceaccount/account:Account")).toBe("iam.googleapis.com");
    expect(apiOfType("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")).toBe("iam.googleapis.com");
    expect(apiOfType("gcp:billing/budget:Budget")).toBe("billingbudgets.googleapis.com");
    expect(apiOfType("gcp:projects/iAMMember:IAMMember")).toBe("cloudresourcemanager.googleapis.com");
  });

  it("a type spelled like an Object.prototype member is not in the map", () => {
    for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty"])
      expect(apiOfType(type), type).toBeUndefined();
  });
});
