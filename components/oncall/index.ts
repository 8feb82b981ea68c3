import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { OncallConfig } from "../../stacks/config/oncall";
import { createChannels } from "./channels";
import type { AlertRoute, AlertRouter, Severity } from "./routing";
import { MONITORING_SEVERITY } from "./severity";
import { findRoute, routeChannels } from "./simulate";

export { type OncallConfig, type OncallConfigInput, oncallConfigSchema } from "../../stacks/config/oncall";
export * from "./routing";

export { MONITORING_SEVERITY } from "./severity";

export interface OnCallRoutingArgs {
  /** The validated on-call model (`platform:oncall` of the stack config). */
  model: OncallConfig;
  /**
   * Receiver credentials by name (`platform:oncallSecrets`). Wrapped as Pulumi secrets here, so a
   * plain value passed by mistake still never reaches state in clear.
   */
  secrets: pulumi.Input<Record<string, string>>;
  /** The project that holds the notification channels (usually the platform environment's). */
  project: pulumi.Input<string>;
  /** User labels of every channel; must carry team, environment and cost-center (required-labels). */
  labels: Record<string, string>;
  /** What the channels wait for, e.g. the project's `monitoring.googleapis.com` enablement. */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/** The plain part of a route: which receivers, which severity, which strategy and labels. */
export function routePlan(model: OncallConfig, area: string, severity: Severity) {
  const route = findRoute(model, area, severity);
  if (!route) throw new Error(`on-call routing: no route for ${area} ${severity}`);
  const level = model.severities[severity];
  const receivers = routeChannels(model, area, severity, level.notify).map((receiver) => receiver.name);
  const owner = model.areas.find((candidate) => candidate.name === area)?.owner ?? "";
  return {
    receivers,
    severity: MONITORING_SEVERITY[severity],
    autoClose: `${level.autoCloseHours * 3600}s`,
    renotifyInterval: level.renotifyMinutes === undefined ? undefined : `${level.renotifyMinutes * 60}s`,
    userLabels: { area, severity: severity.toLowerCase(), team: owner },
  };
}

/**
 * On-call routing as Cloud Monitoring resources: one notification channel per receiver of the
 * model, and for every (area, severity) what an alert policy needs (`route`). Implements
 * `AlertRouter`, which monitoring components take as an argument.
 */
export class OnCallRouting extends pulumi.ComponentResource implements AlertRouter {
  /** Channel ids (resource names, `projects/p/notificationChannels/n`) by receiver name. */
  readonly channelIds: pulumi.Output<Record<string, string>>;
  private readonly model: OncallConfig;
  private readonly channels: Map<string, gcp.monitoring.NotificationChannel>;

  constructor(name: string, args: OnCallRoutingArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("platform:oncall:OnCallRouting", name, {}, opts);
    this.model = args.model;
    this.channels = createChannels(name, args.model.receivers, args, {
      parent: this,
      dependsOn: args.dependsOn,
    });
    this.channelIds = pulumi.output(
      Object.fromEntries([...this.channels].map(([receiver, channel]) => [receiver, channel.name])),
    );
    this.registerOutputs({ channelIds: this.channelIds });
  }

  route(area: string, severity: Severity): AlertRoute {
    const plan = routePlan(this.model, area, severity);
    const notificationChannels = pulumi.all(plan.receivers.map((receiver) => this.channelId(receiver)));
    return {
      notificationChannels,
      ...(plan.severity ? { severity: plan.severity } : {}),
      alertStrategy: {
        autoClose: plan.autoClose,
        notificationChannelStrategies: plan.renotifyInterval
          ? [{ notificationChannelNames: notificationChannels, renotifyInterval: plan.renotifyInterval }]
          : [],
      },
      userLabels: plan.userLabels,
    };
  }

  private channelId(receiver: string): pulumi.Output<string> {
    const channel = this.channels.get(receiver);
    if (!channel) throw new Error(`on-call routing: no receiver ${receiver}`);
    return channel.name;
  }
}
