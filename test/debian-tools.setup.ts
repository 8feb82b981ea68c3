import { ensureAlertmanager } from "../tools/debian-tools/alertmanager";
import { ensureDebianTool } from "../tools/debian-tools/fetch";

/**
 * vitest globalSetup: fetches the real third-party tools the suites prove configs with, once per
 * run and before any test file starts, so parallel files never download the same package.
 */
export default async function setup(): Promise<void> {
  await ensureDebianTool("prometheus-alertmanager", "amtool");
  await ensureDebianTool("prometheus", "promtool");
  await ensureAlertmanager();
}
