import type { PlannedResource } from "../../tools/plan/model";

/** The URN the offline plan gives a top-level resource of the platform project on `stack`. */
export function topLevelUrn(type: string, name: string, stack: string): string {
  return `urn:pulumi:${stack}::platform::${type}::${name}`;
}

/** A top-level custom resource as the offline plan records it, with the given inputs. */
export function plannedResource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  stack = "prod",
): PlannedResource {
  return {
    urn: topLevelUrn(type, name, stack),
    type,
    name,
    parent: null,
    custom: true,
    protect: false,
    inputs,
  };
}
