import { stringify } from "yaml";
import { type OncallConfig, type OncallConfigInput, oncallConfigSchema } from "../../stacks/config/oncall";

/**
 * A small on-call model of its own (not the bundled stacks'): two teams in zones with different
 * DST dates, Berlin (last Sunday of March) and New York (second Sunday of March).
 */
export function fixtureModel(): OncallConfigInput {
  return {
    environment: "platform",
    people: [
      { id: "ana", name: "Ana Lima", email: "ana@example.com", team: "platform" },
      { id: "ben", name: "Ben Ross", email: "ben@example.com", team: "platform" },
      { id: "cai", name: "Cai Wong", email: "cai@example.com", team: "platform" },
      { id: "dee", name: "Dee Park", email: "dee@example.com", team: "payments" },
      { id: "eli", name: "Eli Stone", email: "eli@example.com", team: "payments" },
    ],
    teams: [
      {
        name: "platform",
        timeZone: "Europe/Berlin",
        workingHours: {
          days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
          start: "09:00",
          end: "18:00",
        },
      },
      {
        name: "payments",
        timeZone: "America/New_York",
        workingHours: {
          days: ["monday", "tuesday", "wednesday", "thursday", "friday"],
          start: "08:00",
          end: "17:00",
        },
      },
    ],
    severities: {
      SEV1: { meaning: "Down", responseMinutes: 5, notify: "page", renotifyMinutes: 15, autoCloseHours: 24 },
      SEV2: {
        meaning: "Degraded",
        responseMinutes: 15,
        notify: "page",
        renotifyMinutes: 30,
        autoCloseHours: 24,
      },
      SEV3: { meaning: "Minor", responseMinutes: 240, notify: "chat", autoCloseHours: 72 },
      SEV4: { meaning: "Cosmetic", responseMinutes: 2880, notify: "ticket", autoCloseHours: 168 },
    },
    areas: [
      {
        name: "deployment",
        owner: "platform",
        description: "Deploys",
        runbook: "https://runbooks.example.com/deploy",
      },
      { name: "billing", owner: "payments", description: "Stripe" },
      { name: "connectivity", owner: "platform", description: "Network" },
      { name: "release", owner: "platform", description: "Releases" },
    ],
    receivers: [
      { name: "pd-platform", type: "pagerduty", serviceKey: { secret: "pd-platform" } },
      { name: "pd-payments", type: "pagerduty", serviceKey: { secret: "pd-payments" } },
      { name: "slack-platform", type: "slack", channel: "#platform", authToken: { secret: "slack" } },
      { name: "slack-payments", type: "slack", channel: "#payments", authToken: { secret: "slack" } },
      { name: "mail-payments", type: "email", address: "payments@example.com" },
      { name: "hook", type: "webhook", url: "https://hooks.example.com/in", token: { secret: "hook" } },
      { name: "archive", type: "pubsub", topic: "projects/acme-ops/topics/alerts" },
    ],
    rotations: [
      {
        name: "platform",
        team: "platform",
        timeZone: "Europe/Berlin",
        start: "2026-01-05",
        handoff: { weekday: "monday", time: "10:00" },
        layers: [
          { name: "primary", members: ["ana", "ben", "cai"] },
          { name: "secondary", members: ["ben", "cai", "ana"] },
        ],
      },
      {
        name: "payments",
        team: "payments",
        timeZone: "America/New_York",
        start: "2026-01-07",
        handoff: { weekday: "wednesday", time: "09:00" },
        layers: [
          { name: "primary", members: ["dee", "eli"] },
          { name: "secondary", members: ["eli", "dee"], workingHoursOnly: true },
        ],
      },
    ],
    escalationPolicies: [
      {
        name: "platform-page",
        repeat: 1,
        repeatAfterMinutes: 30,
        levels: [
          { delayMinutes: 0, channel: "pd-platform", targets: [{ rotation: "platform", layer: "primary" }] },
          {
            delayMinutes: 10,
            channel: "pd-platform",
            targets: [{ rotation: "platform", layer: "secondary" }],
          },
        ],
      },
      {
        name: "payments-page",
        levels: [
          { delayMinutes: 0, channel: "pd-payments", targets: [{ rotation: "payments", layer: "primary" }] },
          {
            delayMinutes: 5,
            channel: "pd-payments",
            targets: [{ rotation: "payments", layer: "secondary" }],
          },
          { delayMinutes: 15, channel: "mail-payments", targets: [{ team: "payments" }] },
        ],
      },
    ],
    routes: [
      {
        area: "deployment",
        severities: ["SEV1", "SEV2", "SEV3", "SEV4"],
        escalationPolicy: "platform-page",
        channels: ["pd-platform", "slack-platform", "archive"],
      },
      {
        area: "connectivity",
        severities: ["SEV1", "SEV2", "SEV3", "SEV4"],
        escalationPolicy: "platform-page",
        channels: ["pd-platform", "slack-platform"],
      },
      {
        area: "release",
        severities: ["SEV1", "SEV2", "SEV3", "SEV4"],
        escalationPolicy: "platform-page",
        channels: ["slack-platform"],
      },
      {
        area: "billing",
        severities: ["SEV1", "SEV2", "SEV3", "SEV4"],
        escalationPolicy: "payments-page",
        channels: ["pd-payments", "slack-payments", "mail-payments", "hook"],
      },
    ],
    duties: {
      incidentReviewDays: 5,
      postmortemHours: 48,
      backlogHygiene: { rotation: "platform", layer: "secondary" },
      reviewStandards: "ben",
      documentation: "cai",
      onCallSync: { weekday: "monday", time: "15:00", timeZone: "Europe/Berlin" },
      triage: { weekdays: ["tuesday"], time: "16:00", timeZone: "Europe/Berlin" },
      release: { everyWeeks: 1, weekday: "thursday", captains: ["ana", "dee"] },
      runbookReviewWeeks: 8,
    },
    documentStart: "2026-03-23",
  };
}

export const FIXTURE_SECRETS = {
  "pd-platform": "pd-platform-key-SENTINEL-7f3a",
  "pd-payments": "pd-payments-key-SENTINEL-91c2",
  slack: "xoxb-slack-SENTINEL-55aa",
  hook: "hook-token-SENTINEL-0b0b",
};

/** The fixture model, parsed (defaults applied) without the cross-reference rules. */
export function parsedModel(change: (model: OncallConfigInput) => void = () => {}): OncallConfig {
  const model = fixtureModel();
  change(model);
  return oncallConfigSchema.parse(model);
}

/** A whole stack file around an on-call model, as YAML text; secrets written as `secure:` values. */
export function stackFileText(
  model: OncallConfigInput,
  secrets: Record<string, string> = FIXTURE_SECRETS,
): string {
  return stringify({
    config: {
      "platform:tier": "dev",
      "platform:organization": {
        domain: "example.com",
        orgId: "102938475610",
        billingAccount: "01A2B3-C4D5E6-F7A8B9",
        folderId: "481516234201",
        projectPrefix: "acme",
      },
      "platform:teams": ["platform", "payments"].map((name, index) => ({
        name,
        costCenter: `cc-${1000 + index}`,
        groups: { viewers: `${name}-viewers@example.com`, developers: `${name}-engineers@example.com` },
      })),
      "platform:environments": [
        {
          name: "platform",
          team: "platform",
          network: { subnets: [{ name: "main", cidr: "10.0.0.0/20" }] },
          budget: { amount: 100 },
        },
        {
          name: "payments",
          team: "payments",
          network: { subnets: [{ name: "main", cidr: "10.1.0.0/20" }] },
          budget: { amount: 100 },
        },
      ],
      "platform:oncall": model,
      "platform:oncallSecrets": Object.fromEntries(
        Object.keys(secrets).map((name) => [name, { secure: `v1:fixture:${name}` }]),
      ),
    },
    // What `pulumi stack init --secrets-provider gcpkms://...` writes: a stack with secure values
    // needs both, or the loader refuses it (stacks/config/secrets-provider.ts).
    secretsprovider:
      "gcpkms://projects/acme-state/locations/europe-west1/keyRings/pulumi-state/cryptoKeys/pulumi-secrets-dev",
    encryptedkey: Buffer.from("fixture data key").toString("base64"),
  });
}
