/**
 * The package as a product team gets it: `npm pack` of this repository, installed with `npm install`
 * into a copy of examples/team-service, type-checked with the team's own tsconfig, and planned
 * offline with `npx platform-plan --stack dev` (the shipped policy pack from node_modules).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "team-service");
const SCRATCH = join(ROOT, ".scratch", "packed-package");
const TEAM = join(SCRATCH, "team-service");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const TARBALL = join(SCRATCH, `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(command: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let packedFiles: string[] = [];

beforeAll(async () => {
  mkdirSync(SCRATCH, { recursive: true });
  rmSync(TARBALL, { force: true });
  // The suite's global setup has just built dist/; `prepare` would only check that again.
  const packed = await exec(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", SCRATCH],
    ROOT,
  );
  expect(packed.code, packed.stderr).toBe(0);
  packedFiles = (JSON.parse(packed.stdout)[0].files as { path: string }[]).map((file) => file.path).sort();

  // A fresh copy of the example every run. Its node_modules is kept between runs only while the
  // team's dependencies are the same (the example's package.json and this package's own
  // dependencies): then `npm install` only swaps in the new tarball, as a team upgrading does.
  const dependencyKey = createHash("sha256")
    .update(readFileSync(join(EXAMPLE, "package.json")))
    .update(JSON.stringify([manifest.dependencies, manifest.peerDependencies]))
    .digest("hex");
  const keyFile = join(TEAM, ".dependency-key");
  const keep = existsSync(keyFile) && readFileSync(keyFile, "utf8") === dependencyKey;
  if (keep) {
    for (const entry of [
      "index.ts",
      "Pulumi.yaml",
      "Pulumi.dev.yaml",
      "tsconfig.json",
      "stack-outputs",
      ".github",
    ])
      rmSync(join(TEAM, entry), { recursive: true, force: true });
  } else {
    rmSync(TEAM, { recursive: true, force: true });
  }
  // npm keeps an installed `file:` tarball of the same name and version, and takes it again from
  // its cache by the lock file's integrity: remove both, so the team gets this run's tarball and
  // not the one an earlier run installed.
  rmSync(join(TEAM, "node_modules", ...manifest.name.split("/")), { recursive: true, force: true });
  rmSync(join(TEAM, "package-lock.json"), { force: true });
  cpSync(EXAMPLE, TEAM, { recursive: true, filter: (source) => !source.includes("node_modules") });
  const teamManifest = JSON.parse(readFileSync(join(TEAM, "package.json"), "utf8"));
  // The registry has no such package: install the tarball in its place, as `npm install <tgz>` records it.
  teamManifest.dependencies[manifest.name] = `file:${TARBALL}`;
  writeFileSync(join(TEAM, "package.json"), `${JSON.stringify(teamManifest, null, 2)}\n`);
  const installed = await exec(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    TEAM,
  );
  expect(installed.code, installed.stderr).toBe(0);
  writeFileSync(keyFile, dependencyKey);
}, 600_000);

describe("npm pack", () => {
  it("ships compiled JavaScript with declarations and source maps, the pack's files, and no tests or tools a team does not run", () => {
    const outsideDist = packedFiles.filter((file) => !file.startsWith("dist/"));
    expect(outsideDist).toEqual(
      [
        "CHANGELOG.md",
        "README.md",
        "package.json",
        "policies/PulumiPolicy.yaml",
        "policies/config/dev.json",
        "policies/config/prod.json",
        "policies/config/staging.json",
        "policies/data/gcp-iam/LICENSE",
        "policies/data/gcp-iam/README.md",
        "policies/data/gcp-iam/roles.json.gz",
        "policies/exemptions.yaml",
        "policies/package.json",
        "tools/analyzer/exit-on-sigterm.cjs",
      ].sort(),
    );
    const distFolders = new Set(
      packedFiles.filter((f) => f.startsWith("dist/")).map((f) => f.split("/").slice(1, 3).join("/")),
    );
    for (const folder of distFolders) {
      expect(
        [
          "components/",
          "stacks/",
          "policies/",
          "tools/plan",
          "tools/plan-summary",
          "tools/analyzer",
          "tools/cli",
        ].some((allowed) => folder === allowed.replace(/\/$/, "") || folder.startsWith(allowed)),
        folder,
      ).toBe(true);
    }
    expect(
      packedFiles.filter(
        (file) =>
          /(^|\/)test\/|\.test\.|tools\/bench|analyzer\/bench|\.ts$/.test(file) && !file.endsWith(".d.ts"),
      ),
    ).toEqual([]);
    for (const entry of [
      "dist/components/index",
      "dist/components/ci-identity/index",
      "dist/policies/index",
      "dist/tools/plan/cli",
    ]) {
      expect(packedFiles).toContain(`${entry}.js`);
      expect(packedFiles).toContain(`${entry}.d.ts`);
      expect(packedFiles).toContain(`${entry}.js.map`);
    }
  });

  it("declares its name, semver version, engines, entry points and the CLI", () => {
    expect(manifest.name).toMatch(/^@[a-z0-9-]+\/platform$/);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(ROOT, "CHANGELOG.md"), "utf8")).toContain(`## ${manifest.version} `);
    expect(manifest.engines).toEqual({ node: ">=20 <23" });
    expect(Object.keys(manifest.exports).sort()).toEqual(
      [".", "./cli", "./components", "./components/*", "./package.json", "./policies"].sort(),
    );
    expect(manifest.bin).toEqual({ "platform-plan": "dist/tools/plan/cli.js" });
    expect(manifest.peerDependencies).toMatchObject({ "@pulumi/pulumi": "~3.248.0" });
  });
});

describe("the team's project with the installed package", () => {
  it("type-checks with the team's own tsconfig", async () => {
    const checked = await exec(
      process.execPath,
      [
        join(TEAM, "node_modules/typescript/bin/tsc"),
        "-p",
        "tsconfig.json",
        "--noEmit",
        // tsc's own incremental cache, outside the team's folder: a re-run with the same sources
        // and the same installed declarations skips the check, a change re-checks what it touches.
        "--incremental",
        "--tsBuildInfoFile",
        join(SCRATCH, "team-typecheck.tsbuildinfo"),
      ],
      TEAM,
    );
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.code).toBe(0);
  });

  it("plans offline with `npx platform-plan --stack dev`: the program of Pulumi.yaml, the shipped pack, the dev profile", async () => {
    const planned = await exec(
      join(TEAM, "node_modules/.bin/platform-plan"),
      ["--stack", "dev", "--json", "plan.json"],
      TEAM,
    );
    expect(planned.stderr).toBe("");
    expect(planned.code).toBe(0);
    const plan = JSON.parse(readFileSync(join(TEAM, "plan.json"), "utf8"));
    expect(plan.project).toBe("team-service");
    const byUrn = Object.fromEntries(
      plan.resources.map((r: { urn: string; type: string }) => [r.urn, r.type]),
    );
    expect(byUrn["urn:pulumi:dev::team-service::platform:ci:ProductCiIdentity::team-service"]).toBe(
      "platform:ci:ProductCiIdentity",
    );
    const account = plan.resources.find(
      (r: { type: string }) => r.type === "gcp:serviceaccount/account:Account",
    );
    // The project id came through the StackReference from the platform's planned outputs.
    expect(account.inputs).toMatchObject({ project: "acme-payments-dev", accountId: "deploy-team-service" });
    const binding = plan.resources.find(
      (r: { type: string }) => r.type === "gcp:serviceaccount/iAMMember:IAMMember",
    );
    expect(binding.inputs.member).toBe(
      "principalSet://iam.googleapis.com/projects/210029687797/locations/global/workloadIdentityPools/github-actions/attribute.deploy_target/634567890/dev/push/refs/heads/main:acme-corp/team-service/.github/workflows/deploy.yml@refs/heads/main",
    );
    expect(plan.policy.pack).toEqual({ name: "platform-policies", version: "0.1.0" });
    expect(
      plan.policy.violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory"),
    ).toEqual([]);
    expect(plan.outputs.values.projectId).toBe("acme-payments-dev");
    // A first preview, as `pulumi preview` shows it: the new account's email is computed at up.
    expect(plan.outputMode).toBe("preview");
    expect(plan.outputs.unknownPaths).toEqual(["deployServiceAccount"]);
    expect(planned.stdout).toContain(
      "Stack outputs (1 unknown until pulumi up):\n  deployServiceAccount = (unknown until pulumi up)\n",
    );
    // As after up: the email the account will have.
    const known = await exec(
      join(TEAM, "node_modules/.bin/platform-plan"),
      ["--stack", "dev", "--known-outputs", "--skip-policy"],
      TEAM,
    );
    expect(known.stderr).toBe("");
    expect(known.code).toBe(0);
    expect(known.stdout).toContain(
      "Stack outputs:\n  deployServiceAccount = deploy-team-service@acme-payments-dev.iam.gserviceaccount.com\n",
    );
  });

  it("exits 2 naming the StackReference when no planned outputs stand for it", async () => {
    writeFileSync(
      join(TEAM, "Pulumi.qa.yaml"),
      readFileSync(join(TEAM, "Pulumi.dev.yaml"), "utf8").replace("acme/platform/dev", "acme/platform/qa"),
    );
    const missing = await exec(
      join(TEAM, "node_modules/.bin/platform-plan"),
      ["--stack", "qa", "--tier", "dev", "--skip-policy"],
      TEAM,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      `index.ts: StackReference "acme/platform/qa": expected planned outputs of stack qa of project platform (--stack-outputs FILE, or stack-outputs/*.json: the platform repository's \`npm run plan -- --stack qa --outputs FILE\`), found platform/dev in stack-outputs/platform-dev.json`,
    );
  });
});
