import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  areaSchema,
  escalationPolicySchema,
  oncallTeamSchema,
  receiverSchema,
  rotationSchema,
  routeSchema,
} from "../../stacks/config/oncall";
import { ensureAlertmanager } from "../../tools/debian-tools/alertmanager";
import { debianToolPath, ensureDebianTool } from "../../tools/debian-tools/fetch";

const run = promisify(execFile);

describe("Debian tools", () => {
  it("unpacks a package's binary into .tools/debian and hands back its path", async () => {
    const amtool = await ensureDebianTool("prometheus-alertmanager", "amtool");
    expect(amtool).toBe(debianToolPath("prometheus-alertmanager", "amtool"));
    expect(amtool).toMatch(/\/\.tools\/debian\/prometheus-alertmanager\/usr\/bin\/amtool$/);
    const { stdout } = await run(amtool, ["--version"]);
    expect(stdout).toMatch(/^amtool, version 0\.25\./);
  });

  it("relocates Alertmanager's template folder without changing the binary's length", async () => {
    const { binary, cwd } = await ensureAlertmanager();
    const original = readFileSync(
      await ensureDebianTool("prometheus-alertmanager", "prometheus-alertmanager"),
    );
    const relocated = readFileSync(binary);
    expect(relocated.length).toBe(original.length);
    expect(relocated.indexOf("/usr/share/prometheus/alertmanager")).toBe(-1);
    expect(readFileSync(`${cwd}/usr/share/prometheus//alertmanager/default.tmpl`, "utf8")).toContain(
      "define",
    );
  });

  it.each([
    ["Prometheus Alertmanager", "amtool", "not a Debian package name: Prometheus Alertmanager"],
    ["prometheus-alertmanager", "../amtool", "not a binary name: ../amtool"],
  ])("refuses %j / %j", async (pkg, binary, message) => {
    await expect(ensureDebianTool(pkg, binary)).rejects.toThrow(message);
  });
});

describe("README: the on-call model example", () => {
  it("is made of parts the schema accepts", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## On-call and the operating model"));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const model = parse(block)["platform:oncall"];
    for (const team of model.teams) oncallTeamSchema.parse(team);
    for (const area of model.areas) areaSchema.parse(area);
    for (const receiver of model.receivers) receiverSchema.parse(receiver);
    for (const rotation of model.rotations) rotationSchema.parse(rotation);
    for (const policy of model.escalationPolicies) escalationPolicySchema.parse(policy);
    for (const route of model.routes) routeSchema.parse(route);
    expect(Object.keys(model)).toEqual([
      "teams",
      "areas",
      "receivers",
      "rotations",
      "escalationPolicies",
      "routes",
    ]);
  });
});
