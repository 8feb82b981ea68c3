import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../tools/access/cli";
import type { PlannedResource } from "../../tools/plan/model";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

const CLAIMS = "test/access/claims";

async function exampleResources(stack: string): Promise<PlannedResource[]> {
  const [example] = typeScriptBlocks(readFileSync("components/ci-identity/README.md", "utf8"));
  return (await runExample(example, { stack })).resources;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    planResources: exampleResources,
    log: (t) => out.push(t),
    error: (t) => err.push(t),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "access-")), name);
  writeFileSync(file, text);
  return file;
}

describe("npm run access", () => {
  test("prints who the token can impersonate and exits 0", async () => {
    const { code, out } = await run(["--stack", "prod", "--token", `${CLAIMS}/platform-deploy-prod.json`]);
    expect(code).toBe(0);
    expect(out).toContain(
      "Token: acme-corp/platform (repository_id 612345678, owner id 81234567), event push, ref refs/heads/main, environment prod",
    );
    expect(out).toMatch(/CAN impersonate {4}deploy-platform@acme-platform-prod\.iam\.gserviceaccount\.com/);
    expect(out).toMatch(
      /cannot impersonate deploy-payments-api@acme-payments-prod\.iam\.gserviceaccount\.com/,
    );
    // repository_id/run_id/run_attempt of the fixture's claims.
    expect(out.split("\n").at(-1)).toBe("google.subject in audit logs: 612345678/12045683966/1");
  });

  test("--json prints the decisions; a refused token exits 1 and names the clause", async () => {
    const { code, out } = await run([
      "--stack",
      "prod",
      "--token",
      `${CLAIMS}/platform-pull-request-target.json`,
      "--json",
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.stack).toBe("prod");
    expect(report.decisions).toHaveLength(3);
    expect(report.decisions[0]).toMatchObject({
      allowed: false,
      refusedAt: "condition",
      refusedClause: 'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    });
  });

  test("accepts the JWT itself", async () => {
    const payload = Buffer.from(readFileSync(`${CLAIMS}/platform-pull-request.json`)).toString("base64url");
    const jwt = tempFile("token.jwt", `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${payload}.c2lnbmF0dXJl\n`);
    const { code, out } = await run(["--stack", "prod", "--token", jwt]);
    expect(code).toBe(0);
    expect(out).toMatch(/CAN impersonate {4}preview-platform@/);
  });

  test.each([
    [
      ["--stack", "prod"],
      "command line: --token: expected a file with a GitHub OIDC token or its claims, found nothing",
    ],
    [["--token", "x.json"], "command line: --stack: expected a stack name, found nothing"],
    [["--stack", "prod", "--token", "x.json", "--verbose"], "command line: Unknown option '--verbose'"],
    [
      ["--stack", "../etc", "--token", "x.json"],
      "command line: --stack: expected a stack name of letters, digits, '-', '_' or '.', found \"../etc\"",
    ],
    [
      ["--stack", "prod", "--token", "missing.json"],
      "missing.json: (file): expected a readable token file (a regular file of at most 64 KiB), found no such file",
    ],
  ])("%j exits 2 with %s", async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err.split("\n")[0]).toBe(message);
  });

  test("invalid token JSON and missing or non-numeric claims exit 2, naming the claim", async () => {
    const broken = tempFile("broken.json", "{ not json");
    // What follows "found" is Node's own JSON.parse message, which changes between Node versions.
    expect((await run(["--stack", "prod", "--token", broken])).err).toMatch(
      new RegExp(
        `^${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\(JSON\\): expected the token's claims as a JSON object, found `,
      ),
    );
    const list = tempFile("list.json", "[1, 2]");
    expect((await run(["--stack", "prod", "--token", list])).err).toBe(
      `${list}: (top level): expected the token's claims as a JSON object, found a list of 2 items`,
    );
    const claims = JSON.parse(readFileSync(`${CLAIMS}/platform-push-main.json`, "utf8"));
    const named = tempFile(
      "named.json",
      JSON.stringify({ ...claims, repository_id: "acme-corp/platform", ref: undefined }),
    );
    const result = await run(["--stack", "prod", "--token", named]);
    expect(result.code).toBe(2);
    expect(result.err.split("\n")).toEqual([
      `${named}: ref: expected a string claim (every GitHub Actions token has it), found nothing (the key is missing)`,
      `${named}: repository_id: expected a numeric id in quotes, like "123456789", found "acme-corp/platform"`,
    ]);
  });

  test("as a process: an unknown stack exits 2 with the file, no stack trace", () => {
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "tools/access/cli.ts",
        "--stack",
        "nonexistent",
        "--token",
        `${CLAIMS}/platform-push-main.json`,
      ],
      { encoding: "utf8" },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "stacks/Pulumi.nonexistent.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found no such file",
    );
    expect(result.stderr).not.toContain("    at ");
  });
});
