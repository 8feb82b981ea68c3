import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { packDirectory } from "./pack-dir";

/**
 * Google's predefined IAM roles and the permissions each holds (data/gcp-iam, provenance in its
 * README). Loaded on first use: most pack runs and plans never ask, and the file is 330 kB.
 */

interface RoleData {
  source: string;
  permissions: string[];
  roles: Record<string, { title: string; stage: string; permissions: number[] }>;
}

let cached: RoleData | undefined;
const permissionSets = new Map<string, ReadonlySet<string>>();

function data(): RoleData {
  cached ??= JSON.parse(
    gunzipSync(readFileSync(join(packDirectory(__dirname, 1), "data", "gcp-iam", "roles.json.gz"))).toString(
      "utf8",
    ),
  ) as RoleData;
  return cached;
}

/** Where the role data came from (repository, commit, date). */
export function roleDataSource(): string {
  return data().source;
}

/** True for `roles/...` names that Google defines; custom roles (`projects/x/roles/y`) are not predefined. */
export function isPredefinedRole(role: string): boolean {
  return Object.hasOwn(data().roles, role);
}

/** Every predefined role name, sorted. */
export function predefinedRoles(): string[] {
  return Object.keys(data().roles).sort();
}

/** The permissions of a predefined role, or undefined for a role Google does not define. */
export function permissionsOf(role: string): ReadonlySet<string> | undefined {
  const known = permissionSets.get(role);
  if (known) return known;
  const d = data();
  if (!Object.hasOwn(d.roles, role)) return undefined;
  const set = new Set(d.roles[role].permissions.map((index) => d.permissions[index]));
  permissionSets.set(role, set);
  return set;
}

/** True when the predefined role holds the permission; false for unknown roles. */
export function roleHasPermission(role: string, permission: string): boolean {
  return permissionsOf(role)?.has(permission) ?? false;
}
