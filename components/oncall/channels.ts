import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Receiver } from "../../stacks/config/oncall";

/**
 * Cloud Monitoring notification channels, one per receiver. Credentials come from the secrets
 * argument (Pulumi config secrets), are wrapped with `pulumi.secret` whatever their origin, and go
 * only into `sensitiveLabels`: never into `labels`, `displayName`, `description` or outputs.
 */

/** Username of the HTTP basic auth that carries a webhook receiver's token (see decision 0091). */
export const WEBHOOK_USERNAME = "cloud-monitoring";

/** The channel type and the plain (non-secret) labels of a receiver. */
export function channelShape(receiver: Receiver): { type: string; labels: Record<string, string> } {
  switch (receiver.type) {
    case "pagerduty":
      return { type: "pagerduty", labels: {} };
    case "slack":
      return { type: "slack", labels: { channel_name: receiver.channel } };
    case "email":
      return { type: "email", labels: { email_address: receiver.address } };
    case "webhook":
      // webhook_tokenauth would carry the token inside the plain `url` label: basic auth keeps it sensitive.
      return { type: "webhook_basicauth", labels: { url: receiver.url, username: WEBHOOK_USERNAME } };
    case "pubsub":
      return { type: "pubsub", labels: { topic: receiver.topic } };
  }
}

/** The name of the secret a receiver needs, and the sensitive label it goes into. */
export function secretOf(
  receiver: Receiver,
): { secret: string; label: "serviceKey" | "authToken" | "password" } | undefined {
  switch (receiver.type) {
    case "pagerduty":
      return { secret: receiver.serviceKey.secret, label: "serviceKey" };
    case "slack":
      return { secret: receiver.authToken.secret, label: "authToken" };
    case "webhook":
      return { secret: receiver.token.secret, label: "password" };
    default:
      return undefined;
  }
}

export function createChannels(
  name: string,
  receivers: Receiver[],
  args: {
    project: pulumi.Input<string>;
    secrets: pulumi.Input<Record<string, string>>;
    labels: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): Map<string, gcp.monitoring.NotificationChannel> {
  const secrets = pulumi.secret(args.secrets);
  const channels = new Map<string, gcp.monitoring.NotificationChannel>();
  for (const receiver of receivers) {
    const { type, labels } = channelShape(receiver);
    const secret = secretOf(receiver);
    const sensitiveLabels = secret
      ? {
          [secret.label]: secrets.apply((values) => {
            const value = values[secret.secret];
            // Validation checked every reference; this guards programs that build args by hand.
            if (value === undefined)
              throw new Error(`on-call receiver ${receiver.name}: no secret ${secret.secret}`);
            return value;
          }),
        }
      : undefined;
    channels.set(
      receiver.name,
      new gcp.monitoring.NotificationChannel(
        `${name}-${receiver.name}`,
        {
          project: args.project,
          displayName: `On-call: ${receiver.name}`,
          description: `On-call receiver ${receiver.name} (${receiver.type}), managed by platform:oncall.`,
          type,
          labels,
          ...(sensitiveLabels ? { sensitiveLabels } : {}),
          userLabels: { ...args.labels, receiver: receiver.name },
          enabled: true,
        },
        opts,
      ),
    );
  }
  return channels;
}
