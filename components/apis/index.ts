/**
 * Which Google API a resource type calls, and the Service resources a resource must wait for.
 * A resource created before its project's API is enabled fails with SERVICE_DISABLED (403) on the
 * first real `up`; the offline plan cannot see that, so every component orders its children after
 * the Service of their API. The map is data (type-apis.json), checked against the planned graph.
 */
import type * as pulumi from "@pulumi/pulumi";
import typeApis from "./type-apis.json";

/** Enabled APIs of one project: service name (`iam.googleapis.com`) → its `gcp.projects.Service`. */
export type EnabledServices = Readonly<Record<string, pulumi.Resource>>;

const TYPE_APIS = typeApis.types as Record<string, string | null>;

/**
 * The API a resource type calls; null for types that need no API of their project (the project
 * itself, Service); undefined for types not in the map yet.
 */
export function apiOfType(type: string): string | null | undefined {
  // Own keys only: a type spelled like an Object.prototype member is simply not in the map.
  return Object.hasOwn(TYPE_APIS, type) ? TYPE_APIS[type] : undefined;
}

/** Every type the map knows. */
export function mappedTypes(): string[] {
  return Object.keys(TYPE_APIS);
}

/**
 * `dependsOn` for a child of the given type in a project whose enabled services are `services`:
 * the Service of the type's API, when the project enables it.
 */
export function afterApiOf(type: string, services: EnabledServices | undefined): pulumi.Resource[] {
  const api = apiOfType(type);
  const service = api ? services?.[api] : undefined;
  return service ? [service] : [];
}
