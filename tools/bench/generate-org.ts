import { stringify } from "yaml";

/**
 * A synthetic organization of `count` environments (one team each), valid under the platform
 * schema, for measuring how the offline plan scales. Ranges are laid out so none overlap.
 */
export function generateOrganization(count: number, tier: "dev" | "staging" | "prod" = "dev"): string {
  if (count < 1 || count > 4000) throw new Error(`count must be 1-4000, got ${count}`);
  const teams = [];
  const environments = [];
  for (let index = 0; index < count; index++) {
    const name = `e${index}`;
    teams.push({
      name: `t${index}`,
      costCenter: `cc-${1000 + index}`,
      groups: { viewers: `t${index}-viewers@example.com`, developers: `t${index}-engineers@example.com` },
      budgetAlertEmails: [`t${index}-leads@example.com`],
    });
    environments.push({
      name,
      team: `t${index}`,
      network: {
        subnets: [{ name: "main", cidr: `10.${Math.floor(index / 16)}.${(index % 16) * 16}.0/20` }],
      },
      budget: { amount: 500 + index },
    });
  }
  return `# yaml-language-server: $schema=./schema.json\n${stringify({
    config: {
      "platform:tier": tier,
      "platform:organization": {
        domain: "example.com",
        orgId: "102938475610",
        billingAccount: "01A2B3-C4D5E6-F7A8B9",
        folderId: "481516234201",
        projectPrefix: "gen",
      },
      "platform:teams": teams,
      "platform:environments": environments,
    },
  })}`;
}
