/**
 * Roles of the CI identities. Predefined roles only (never owner/editor/viewer), granted per
 * project of the stack. Organization- and folder-level rights the deploy identity also needs to
 * create projects (`roles/resourcemanager.projectCreator` on the folder, `roles/billing.user` on the
 * billing account) are granted once at bootstrap, outside any stack: see the README.
 */

/** What `pulumi preview` (and `--refresh`) reads in a project. Read-only. */
export const PREVIEW_ROLES = [
  "roles/browser",
  "roles/cloudkms.viewer",
  "roles/compute.viewer",
  "roles/iam.securityReviewer",
  "roles/iam.workloadIdentityPoolViewer",
  "roles/logging.viewer",
  "roles/monitoring.viewer",
  "roles/serviceusage.serviceUsageViewer",
] as const;

/** What `pulumi up` of the platform stack changes in a project. */
export const DEPLOY_ROLES = [
  "roles/cloudkms.admin",
  "roles/compute.networkAdmin",
  "roles/compute.securityAdmin",
  "roles/iam.serviceAccountAdmin",
  "roles/iam.workloadIdentityPoolAdmin",
  "roles/logging.configWriter",
  "roles/monitoring.editor",
  "roles/resourcemanager.projectIamAdmin",
  "roles/serviceusage.serviceUsageAdmin",
] as const;

/** Primitive roles are refused everywhere (the policy pack refuses them too). */
export const PRIMITIVE_ROLES = ["roles/owner", "roles/editor", "roles/viewer"] as const;

/** The role that lets a federated principal impersonate a service account. */
export const WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser";
