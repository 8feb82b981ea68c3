/**
 * Roles the platform's CI identities hold outside the stack's projects, granted once at bootstrap
 * (README, "Bootstrap"): on the folder that holds the environment projects (inherited by every
 * project created in it), on the billing account, and on the Pulumi state project's bucket and key.
 * Predefined roles only; test/apis/permissions.test.ts checks that they, with the project roles the
 * stack grants, cover every permission of components/apis/type-permissions.json.
 */

export type BootstrapScope = "folder" | "billingAccount" | "stateBucket" | "stateKey";

export const BOOTSTRAP_ROLES: Record<"preview" | "deploy", Record<BootstrapScope, readonly string[]>> = {
  preview: {
    // Refresh reads new projects before any project-level grant exists.
    folder: ["roles/browser"],
    // Refresh reads budgets (billing.budgets.get).
    billingAccount: ["roles/billing.viewer"],
    // Refresh reads the IAM policies of the state bucket and key that the stack's grants live in.
    stateBucket: ["roles/iam.securityReviewer"],
    stateKey: ["roles/iam.securityReviewer"],
  },
  deploy: {
    // Create projects, update their labels (projectMover is the only predefined role with
    // resourcemanager.projects.update besides editor), link them to billing.
    folder: [
      "roles/resourcemanager.projectCreator",
      "roles/resourcemanager.projectMover",
      "roles/billing.projectManager",
    ],
    // billing.user links projects; billing.costsManager creates budgets (billing.user cannot).
    billingAccount: ["roles/billing.user", "roles/billing.costsManager"],
    // The stack manages the CI identities' grants on the state bucket and key.
    stateBucket: ["roles/storage.admin"],
    stateKey: ["roles/cloudkms.admin"],
  },
};
