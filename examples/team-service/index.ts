import { ProductCiIdentity, poolFromPlatformStack } from "@acme/platform/components/ci-identity";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const github = config.requireObject<{ organizationId: string; organizationName: string }>("github");
const repository = config.requireObject<{ name: string; id: string }>("repository");
const environmentName = config.require("environment");

// Everything this stack needs from the platform comes from the platform stack's documented outputs.
const platform = new pulumi.StackReference(config.require("platformStack"));
const environment = platform
  .requireOutput("environments")
  .apply((environments) => environments[environmentName] as { projectId: string; networkSelfLink: string });

// The identity this repository's deploy workflow uses: jobs in the `dev` GitHub environment on main,
// started by a push, through the platform's pool.
const deployIdentity = new ProductCiIdentity("team-service", {
  pool: poolFromPlatformStack(platform, {
    organizationId: github.organizationId,
    organizationName: github.organizationName,
  }),
  project: environment.projectId,
  repository,
  environments: ["dev"],
  roles: ["roles/run.developer", "roles/artifactregistry.writer"],
});

export const projectId = environment.projectId;
export const networkSelfLink = environment.networkSelfLink;
export const workloadIdentityProvider = platform
  .requireOutput("ci")
  .apply((ci) => (ci as { workloadIdentityProvider: string }).workloadIdentityProvider);
export const deployServiceAccount = deployIdentity.deployServiceAccountEmail;
