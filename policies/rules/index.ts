/** The resource and stack rules, grouped by area. The pack adds the recheck and exemption policies (lib/pack.ts). */
import type { PlatformRule } from "../lib/rule";
import { bigqueryRules } from "./bigquery";
import { computeRules } from "./compute";
import { dnsRules } from "./dns";
import { gkeRules } from "./gke";
import { hardeningRules } from "./hardening";
import { iamRules } from "./iam";
import { identityRules } from "./identity";
import { kmsRules } from "./kms";
import { kubernetesRules } from "./kubernetes";
import { labelRules } from "./labels";
import { monitoringRules } from "./monitoring";
import { networkRules } from "./network";
import { protectionRules } from "./protection";
import { reachRules } from "./reach";
import { sqlRules } from "./sql";
import { stackRules } from "./stack";
import { storageRules } from "./storage";

export function platformResourceAndStackRules(): PlatformRule[] {
  return [
    ...storageRules,
    ...iamRules,
    ...identityRules,
    ...bigqueryRules,
    ...gkeRules,
    ...sqlRules,
    ...kmsRules,
    ...computeRules,
    ...networkRules,
    ...dnsRules,
    ...monitoringRules,
    ...labelRules,
    ...protectionRules,
    ...kubernetesRules,
    ...stackRules,
    ...reachRules,
    ...hardeningRules,
  ];
}
