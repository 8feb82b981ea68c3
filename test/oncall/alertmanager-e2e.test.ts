import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderAlertmanager } from "../../components/oncall/alertmanager";
import { WEEKDAYS } from "../../stacks/config/oncall";
import { ensureAlertmanager } from "../../tools/debian-tools/alertmanager";
import { parsedModel } from "./fixture";

/**
 * The generated configuration in the real Alertmanager (Debian's 0.25), on 127.0.0.1, with a local
 * HTTP webhook standing in for each receiver. Alertmanager reads the real clock, so the model's
 * working hours are chosen from it: payments always works (never quiet), platform works only on
 * the weekday three days from today (quiet for the whole test, even across midnight).
 */

interface Delivery {
  receiver: string;
  status: "firing" | "resolved";
  alerts: { status: string; labels: Record<string, string> }[];
}

const deliveries: Delivery[] = [];
let server: Server;
let alertmanager: ChildProcess | undefined;
let workDir: string;
let apiUrl: string;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function postAlerts(alerts: { labels: Record<string, string>; endsAt?: string }[]): Promise<void> {
  const response = await fetch(`${apiUrl}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(
      alerts.map((alert) => ({ ...alert, annotations: { summary: alert.labels.alertname } })),
    ),
  });
  expect(response.status).toBe(200);
}

const received = (receiver: string, alertname: string, status: "firing" | "resolved" = "firing") =>
  deliveries.filter(
    (d) =>
      d.receiver === receiver &&
      d.status === status &&
      d.alerts.some((a) => a.labels.alertname === alertname),
  );

beforeAll(async () => {
  const { binary, cwd } = await ensureAlertmanager();
  workDir = mkdtempSync(path.join(tmpdir(), "oncall-am-e2e-"));
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const payload = JSON.parse(body) as Delivery;
      deliveries.push({ receiver: request.url!.slice(1), status: payload.status, alerts: payload.alerts });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const hookPort = (server.address() as AddressInfo).port;

  const workingDay = WEEKDAYS[(new Date().getUTCDay() + 6 + 3) % 7];
  const model = parsedModel((m) => {
    m.teams[0] = {
      name: "platform",
      timeZone: "UTC",
      workingHours: { days: [workingDay], start: "00:00", end: "24:00" },
    };
    m.teams[1] = {
      name: "payments",
      timeZone: "UTC",
      workingHours: { days: [...WEEKDAYS], start: "00:00", end: "24:00" },
    };
  });
  const configFile = path.join(workDir, "alertmanager.yml");
  writeFileSync(
    configFile,
    renderAlertmanager(model, "e2e", {
      deliverTo: (receiver) => `http://127.0.0.1:${hookPort}/${receiver}`,
      timing: { groupWait: "1s", groupInterval: "1s", repeatInterval: "1h" },
    }),
  );
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(workDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { cwd, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  alertmanager.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  await waitFor("Alertmanager to be ready", async () => {
    if (alertmanager?.exitCode !== null) throw new Error(`alertmanager exited: ${stderr}`);
    try {
      return (await fetch(`${apiUrl}/-/ready`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  });
}, 60_000);

afterAll(async () => {
  if (alertmanager && alertmanager.exitCode === null) {
    const exited = new Promise((resolve) => alertmanager?.once("exit", resolve));
    alertmanager.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (alertmanager.exitCode === null) alertmanager.kill("SIGKILL");
  }
  await new Promise((resolve) => server?.close(resolve));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the generated configuration in the real Alertmanager", () => {
  const checkout = (instance: string, endsAt?: string) => ({
    labels: { alertname: "CheckoutErrors", area: "billing", severity: "SEV1", service: "checkout", instance },
    ...(endsAt ? { endsAt } : {}),
  });

  it("groups two SEV1 alerts of one service into one notification per receiver", async () => {
    await postAlerts([checkout("a"), checkout("b")]);
    const page = await waitFor("the page", () => received("pd-payments", "CheckoutErrors")[0]);
    expect(page.alerts.map((a) => a.labels.instance).sort()).toEqual(["a", "b"]);
    for (const receiver of ["slack-payments", "mail-payments", "hook"]) {
      const [delivery] = await waitFor(receiver, () => {
        const found = received(receiver, "CheckoutErrors");
        return found.length > 0 ? found : undefined;
      });
      expect(delivery.alerts).toHaveLength(2);
    }
    expect(received("pd-payments", "CheckoutErrors")).toHaveLength(1);
  });

  it("inhibits the SEV3 echo of the same area and service while the SEV1 fires, not another service's", async () => {
    await postAlerts([
      { labels: { alertname: "CheckoutLatency", area: "billing", severity: "SEV3", service: "checkout" } },
      { labels: { alertname: "InvoiceLatency", area: "billing", severity: "SEV3", service: "invoices" } },
    ]);
    await waitFor("the other service's SEV3", () => received("slack-payments", "InvoiceLatency")[0]);
    // Two more group intervals: an uninhibited echo would have been sent by now.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(deliveries.filter((d) => d.alerts.some((a) => a.labels.alertname === "CheckoutLatency"))).toEqual(
      [],
    );
    expect(received("pd-payments", "InvoiceLatency")).toEqual([]);
  });

  it("mutes the page of a SEV2 in the owner's quiet hours and still posts it to chat", async () => {
    await postAlerts([
      { labels: { alertname: "DeployStuck", area: "deployment", severity: "SEV2", service: "pipeline" } },
      { labels: { alertname: "StripeWebhookLag", area: "billing", severity: "SEV2", service: "webhooks" } },
    ]);
    await waitFor("the chat post", () => received("slack-platform", "DeployStuck")[0]);
    // The owner of billing is at work: its SEV2 pages, which shows pages are only muted in quiet hours.
    await waitFor("the billing SEV2 page", () => received("pd-payments", "StripeWebhookLag")[0]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(received("pd-platform", "DeployStuck")).toEqual([]);
  });

  it("notifies the resolution of the SEV1 to the receivers that were paged", async () => {
    await postAlerts([checkout("a", new Date().toISOString()), checkout("b", new Date().toISOString())]);
    const resolved = await waitFor(
      "the resolution",
      () => received("pd-payments", "CheckoutErrors", "resolved")[0],
    );
    expect(resolved.alerts.map((a) => a.status)).toEqual(["resolved", "resolved"]);
    await waitFor("the chat resolution", () => received("slack-payments", "CheckoutErrors", "resolved")[0]);
  });
});
