/**
 * `npx platform-plan` in a team's folder, fed what a careless or hostile repository holds: every
 * case is the real command in its own process, in a throw-away project folder. Bad input exits 2
 * with one line naming the file, the path in it, what was expected and what was found; a failing
 * program exits 4 with one line; nothing hangs and nothing is written half-way.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "tools", "plan", "cli.js");
// Inside the repository, so a program's `import "@pulumi/pulumi"` finds the same SDK as the plan.
const SCRATCH = join(ROOT, ".scratch", `team-input-${process.pid}`);

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const BASE: Record<string, string | Buffer> = {
  "Pulumi.yaml": "name: svc\nruntime: nodejs\n",
  "Pulumi.dev.yaml": "config:\n  svc:environment: payments\n",
  "index.ts": "export const x = 1;\n",
};

let folders = 0;
/** A project folder: the base files, changed or removed (`null`) as given. */
function project(files: Record<string, string | Buffer | null> = {}): string {
  const directory = join(SCRATCH, `project-${++folders}`);
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries({ ...BASE, ...files })) {
    if (text === null) continue;
    mkdirSync(dirname(join(directory, name)), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx platform-plan <args>` in the folder; a hang fails the test instead of the suite. */
async function plan(cwd: string, ...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", PLATFORM_PLAN_STACK_TRACES: "" },
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The plan refused its input: exit 2, this one line on stderr, nothing on stdout. */
async function expectRefused(cwd: string, args: string[], line: string): Promise<void> {
  const result = await plan(cwd, ...args);
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
    code: 2,
    stderr: `${line}\n`,
    stdout: "",
  });
}

const DEV = ["--stack", "dev", "--skip-policy"];

describe("a team's Pulumi.yaml", () => {
  it("holds main to a relative path inside the project folder, as the Pulumi CLI does, even through a symbolic link", async () => {
    const absolute = project();
    writeFileSync(join(absolute, "Pulumi.yaml"), `name: svc\nruntime: nodejs\nmain: ${absolute}/index.ts\n`);
    await expectRefused(
      absolute,
      DEV,
      `Pulumi.yaml: main: expected a program file or folder relative to the project folder, found the absolute path "${absolute}/index.ts"`,
    );
    await expectRefused(
      project({ "Pulumi.yaml": "name: svc\nruntime: nodejs\nmain: ../other/index.ts\n" }),
      DEV,
      'Pulumi.yaml: main: expected a program file or folder inside the project folder, found "../other/index.ts", which leads outside it',
    );
    const parent = project({ "outside.ts": "export const x = 1;\n" });
    const team = join(parent, "team");
    mkdirSync(team);
    writeFileSync(join(team, "Pulumi.yaml"), "name: svc\nruntime: nodejs\n");
    writeFileSync(join(team, "Pulumi.dev.yaml"), "config: {}\n");
    symlinkSync(join(parent, "outside.ts"), join(team, "index.ts"));
    await expectRefused(
      team,
      DEV,
      "Pulumi.yaml: main: expected a program file inside the project folder, found index.ts, a symbolic link to a file outside it",
    );
    await expectRefused(
      project({
        "index.ts": null,
        "package.json": '{ "main": "../shared/index.ts" }',
        "../shared/index.ts": "",
      }),
      DEV,
      "Pulumi.yaml: main: expected a program file inside the project folder, found ../shared/index.ts, which is outside it",
    );
    await expectRefused(
      project({ "Pulumi.yaml": "name: svc\nruntime: nodejs\nmain: app\n", "app/README.md": "" }),
      DEV,
      "Pulumi.yaml: main: expected a program file (index.ts or index.js), found none at app",
    );
    await expectRefused(
      project({
        "Pulumi.yaml": "name: svc\nruntime: nodejs\nmain: app\n",
        "app/package.json": "{ main: x }",
      }),
      DEV,
      "app/package.json: (JSON): expected valid JSON, found Expected property name or '}' (line 1, column 3)",
    );
  });

  it("refuses a project-level default for another namespace's key, as the Pulumi CLI does", async () => {
    await expectRefused(
      project({
        "Pulumi.yaml": "name: svc\nruntime: nodejs\nconfig:\n  gcp:region:\n    default: europe-west1\n",
      }),
      DEV,
      'Pulumi.yaml: config.gcp:region.default: expected `value` (a key of another namespace than svc takes a value, not a default), found "europe-west1"',
    );
  });

  it("holds stackConfigDir inside the project folder", async () => {
    await expectRefused(
      project({ "Pulumi.yaml": "name: svc\nruntime: nodejs\nstackConfigDir: ../shared\n" }),
      DEV,
      'Pulumi.yaml: stackConfigDir: expected a folder inside the project folder, found "../shared", which leads outside it',
    );
    await expectRefused(
      project({ "Pulumi.yaml": "name: svc\nruntime: nodejs\nstackConfigDir: /etc\n" }),
      DEV,
      'Pulumi.yaml: stackConfigDir: expected a folder relative to the project folder, found the absolute path "/etc"',
    );
  });

  it("refuses a file that is no project file: empty, a list, a FIFO, too big, not UTF-8", async () => {
    const expected = "a Pulumi project file (a regular file of at most 1 MiB)";
    await expectRefused(
      project({ "Pulumi.yaml": "" }),
      DEV,
      "Pulumi.yaml: (top level): expected a mapping with the project's name and runtime, found null",
    );
    await expectRefused(
      project({ "Pulumi.yaml": "- name: svc\n" }),
      DEV,
      "Pulumi.yaml: (top level): expected a mapping with the project's name and runtime, found a list of 1 item",
    );
    const fifo = project({ "Pulumi.yaml": null });
    execFileSync("mkfifo", [join(fifo, "Pulumi.yaml")]);
    await expectRefused(fifo, DEV, `Pulumi.yaml: (file): expected ${expected}, found a FIFO (named pipe)`);
    await expectRefused(
      project({ "Pulumi.yaml": `name: svc\nruntime: nodejs\ndescription: ${"x".repeat(1024 * 1024)}\n` }),
      DEV,
      `Pulumi.yaml: (file): expected ${expected}, found 1048616 bytes`,
    );
    await expectRefused(
      project({ "Pulumi.yaml": Buffer.from("name: svc\nruntime: nodejs\ndescription: caf\xe9\n", "latin1") }),
      DEV,
      `Pulumi.yaml: (file): expected ${expected}, found bytes that are not UTF-8 text (line 3)`,
    );
    await expectRefused(
      project({ "Pulumi.yaml": "name: svc\nruntime: nodejs\nname: other\n" }),
      DEV,
      "Pulumi.yaml: (YAML): expected valid YAML, found Map keys must be unique (line 3, column 1)",
    );
  });
});

describe("a team's stack file", () => {
  it("refuses what the Pulumi CLI refuses: a list, an unknown top-level key, a malformed or repeated config key", async () => {
    await expectRefused(
      project({ "Pulumi.dev.yaml": "- svc:environment: payments\n" }),
      DEV,
      "Pulumi.dev.yaml: (top level): expected a mapping with a `config` key, found a list of 1 item",
    );
    await expectRefused(
      project({ "Pulumi.dev.yaml": "confg:\n  svc:environment: payments\n" }),
      DEV,
      "Pulumi.dev.yaml: confg: expected one of config, secretsprovider, encryptedkey, encryptionsalt, environment, found unknown key `confg`; did you mean `config`?",
    );
    await expectRefused(
      project({ "Pulumi.dev.yaml": "config:\n  svc:a:b: 1\n" }),
      DEV,
      "Pulumi.dev.yaml: config.svc:a:b: expected a key of the form `namespace:name`, or `name` for the project's own, found `svc:a:b`",
    );
    await expectRefused(
      project({ "Pulumi.dev.yaml": "config:\n  svc:db:\n    users:\n      - secure: 42\n" }),
      DEV,
      "Pulumi.dev.yaml: config.svc:db.users[0].secure: expected the ciphertext string `pulumi config set --secret` writes, found number 42",
    );
    await expectRefused(
      project({ "Pulumi.dev.yaml": "config:\n  environment: a\n  svc:environment: b\n" }),
      DEV,
      "Pulumi.dev.yaml: config.svc:environment: expected each key once, found it also as `environment` (both are svc:environment)",
    );
  });

  it("refuses nesting too deep to read in one line, and a FIFO without waiting on it", async () => {
    await expectRefused(
      project({ "Pulumi.dev.yaml": `config:\n  svc:deep: ${"[".repeat(5000)}${"]".repeat(5000)}\n` }),
      DEV,
      "Pulumi.dev.yaml: (YAML): expected valid YAML, found values nested too deeply to read",
    );
    const fifo = project({ "Pulumi.dev.yaml": null });
    execFileSync("mkfifo", [join(fifo, "Pulumi.dev.yaml")]);
    await expectRefused(
      fifo,
      DEV,
      "Pulumi.dev.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found a FIFO (named pipe)",
    );
  });
});

const OUTPUTS = {
  stack: "dev",
  project: "platform",
  outputs: { values: { tier: "dev", ci: { pool: "p" } }, unknownPaths: [], secretPaths: [] },
};
const outputsFile = (change: (outputs: typeof OUTPUTS) => unknown = (o) => o) =>
  JSON.stringify(change(structuredClone(OUTPUTS)));

describe("planned outputs files", () => {
  it("refuses a file that is not a plan's outputs, or lists a path its values do not hold", async () => {
    const expected = "the JSON of a planned stack (`npm run plan -- --stack <name> --outputs FILE`)";
    await expectRefused(
      project({ "stack-outputs/platform-dev.json": '{\n  "stack": dev\n}' }),
      DEV,
      `stack-outputs/platform-dev.json: (JSON): expected ${expected}, found Unexpected token 'd', "{\n  "stack": dev\n}" is not valid JSON`,
    );
    await expectRefused(
      project({
        "stack-outputs/platform-dev.json": outputsFile((o) => ({
          ...o,
          outputs: { ...o.outputs, unknownPaths: ["ci.pool", "ci.network"] },
        })),
      }),
      DEV,
      'stack-outputs/platform-dev.json: outputs.unknownPaths[1]: expected the path of a value in outputs.values, found "ci.network"',
    );
    await expectRefused(
      project({
        "stack-outputs/platform-dev.json": outputsFile().replace(
          '"tier"',
          '"__proto__":{"tier":"prod"},"tier"',
        ),
      }),
      DEV,
      "stack-outputs/platform-dev.json: outputs.values.__proto__: expected an output name, found the reserved key __proto__",
    );
    await expectRefused(
      project({
        "stack-outputs/platform-dev.json": outputsFile((o) => ({
          ...o,
          outputs: { ...o.outputs, values: [] },
        })),
      }),
      DEV,
      "stack-outputs/platform-dev.json: outputs.values: expected an object, found a list of 0 items",
    );
  });

  it("refuses two files for one stack, a folder, a FIFO and an empty path", async () => {
    await expectRefused(
      project({ "stack-outputs/a.json": outputsFile(), "stack-outputs/b.json": outputsFile() }),
      DEV,
      "stack-outputs/b.json: stack: expected one planned-outputs file per stack, found platform/dev in stack-outputs/a.json too",
    );
    const expected =
      "the JSON of a planned stack (`npm run plan -- --stack <name> --outputs FILE`) (a regular file of at most 16 MiB)";
    await expectRefused(
      project({ "stack-outputs/a.json": outputsFile() }),
      [...DEV, "--stack-outputs", "stack-outputs"],
      `stack-outputs: (file): expected ${expected}, found a directory`,
    );
    const fifo = project();
    mkdirSync(join(fifo, "stack-outputs"));
    execFileSync("mkfifo", [join(fifo, "stack-outputs", "platform-dev.json")]);
    await expectRefused(
      fifo,
      DEV,
      `stack-outputs/platform-dev.json: (file): expected ${expected}, found a FIFO (named pipe)`,
    );
    await expectRefused(
      project({ "stack-outputs": "not a folder" }),
      DEV,
      "stack-outputs: (file): expected a folder of planned-outputs files (*.json), found a file",
    );
    await expectRefused(
      project(),
      [...DEV, "--stack-outputs", ""],
      "command line: --stack-outputs: expected a file path, found an empty string",
    );
  });
});

describe("the plan's own files", () => {
  it("writes none when one of them cannot be written, and never over a file it reads or twice to one file", async () => {
    const directory = project({ "taken/.keep": "" });
    await expectRefused(
      directory,
      [...DEV, "--json", "plan.json", "--markdown", "taken"],
      "taken: (file): expected a file path to write, found a directory",
    );
    expect(existsSync(join(directory, "plan.json"))).toBe(false);
    await expectRefused(
      directory,
      [...DEV, "--json", "Pulumi.dev.yaml"],
      "command line: --json: expected a file the plan does not read, found Pulumi.dev.yaml, one of its inputs",
    );
    await expectRefused(
      directory,
      [...DEV, "--json", "plan.out", "--outputs", "./plan.out"],
      "command line: --outputs: expected a file of its own, found ./plan.out, which --json writes too",
    );
    expect(readdirSync(directory).sort()).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml", "index.ts", "taken"]);
  });
});

describe("a team's program", () => {
  const pulumiProgram = (body: string) => `import * as pulumi from "@pulumi/pulumi";\n${body}\n`;

  it("reads Pulumi.yml with its project-level config, a stack file in stackConfigDir, a program linked inside the folder, and secure values nested in a key", async () => {
    const directory = project({
      "Pulumi.yaml": null,
      "Pulumi.dev.yaml": null,
      "index.ts": null,
      "Pulumi.yml":
        "name: svc\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nstackConfigDir: config\nconfig:\n  region:\n    type: string\n    default: europe-west1\n  environment: ignored\n  gcp:project:\n    value: acme-dev\n",
      "config/Pulumi.dev.yml":
        "config:\n  environment: payments\n  svc:nested:\n    token:\n      secure: v1:AAAA\n",
      "src/main.ts": pulumiProgram(
        'const config = new pulumi.Config();\nexport const environment = config.require("environment");\nexport const nested = JSON.stringify(config.requireObject("nested"));\nexport const region = config.require("region");\nexport const gcpProject = new pulumi.Config("gcp").require("project");',
      ),
    });
    symlinkSync(join("src", "main.ts"), join(directory, "index.ts"));
    const result = await plan(directory, ...DEV);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'Stack outputs:\n  environment = payments\n  gcpProject = acme-dev\n  nested = {"token":"offline-plan-secret-placeholder"}\n  region = europe-west1\n',
    );
  });

  it("exits 2 naming the stack file when the program requires a config key it lacks or reads one as another type", async () => {
    const [missing, mistyped] = await Promise.all([
      plan(
        project({
          "Pulumi.dev.yaml": "config:\n  old-name:region: europe-west1\n",
          "index.ts": pulumiProgram('new pulumi.Config().require("region");'),
        }),
        ...DEV,
      ),
      plan(
        project({ "index.ts": pulumiProgram('new pulumi.Config().requireNumber("environment");') }),
        ...DEV,
      ),
    ]);
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "Pulumi.dev.yaml: config.svc:region: expected a value (index.ts requires it), found nothing (the key is missing); the file sets `old-name:region`, of another namespace than the project's (svc)\n",
    });
    expect(mistyped).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'Pulumi.dev.yaml: config.svc:environment: expected a number (as index.ts reads it), found "payments"\n',
    });
  });

  it("exits 2 naming the planned-outputs file when the program requires an output it lacks", async () => {
    const result = await plan(
      project({
        "stack-outputs/platform-dev.json": outputsFile(),
        "index.ts": pulumiProgram(
          'export const network = new pulumi.StackReference("acme/platform/dev").requireOutput("network");',
        ),
      }),
      ...DEV,
    );
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "stack-outputs/platform-dev.json: outputs.values.network: expected the output index.ts reads with requireOutput, found nothing (the outputs are ci, tier)\n",
    });
  });

  it("exits 4 with one line when the program throws at import or in an apply, or does not compile", async () => {
    const [atImport, inApply, compile] = await Promise.all([
      plan(project({ "index.ts": 'throw new TypeError("no region chosen");\n' }), ...DEV),
      plan(
        project({
          "index.ts": pulumiProgram(
            'export const x = pulumi.output("a").apply((value) => { throw new RangeError("bad " + value); });',
          ),
        }),
        ...DEV,
      ),
      plan(project({ "index.ts": "export const = 1;\n" }), ...DEV),
    ]);
    expect(atImport).toEqual({
      code: 4,
      stdout: "",
      stderr:
        "index.ts: the program failed: TypeError: no region chosen (PLATFORM_PLAN_STACK_TRACES=1 shows where)\n",
    });
    expect(inApply).toEqual({
      code: 4,
      stdout: "",
      stderr: "index.ts: the program failed: RangeError: bad a (PLATFORM_PLAN_STACK_TRACES=1 shows where)\n",
    });
    expect(compile).toEqual({
      code: 4,
      stdout: "",
      stderr:
        'index.ts: the program failed: it does not compile: index.ts:1:13: Expected identifier but found "="\n',
    });
  });

  it("loads main as it is with runtime option typescript: false, as the language host does", async () => {
    const noTypeScript = "name: svc\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n";
    const [typed, plain, mistyped] = await Promise.all([
      plan(project({ "Pulumi.yaml": noTypeScript, "index.ts": "export const x: number = 1;\n" }), ...DEV),
      plan(
        project({
          "Pulumi.yaml": `${noTypeScript}main: index.js\n`,
          "index.js": "exports.x = 1;\n",
          "index.ts": null,
        }),
        ...DEV,
      ),
      plan(project({ "Pulumi.yaml": noTypeScript.replace("typescript: false", 'typescript: "no"') }), ...DEV),
    ]);
    expect(typed).toEqual({
      code: 4,
      stdout: "",
      stderr:
        "index.ts: the program failed: SyntaxError: Missing initializer in const declaration (PLATFORM_PLAN_STACK_TRACES=1 shows where)\n",
    });
    expect([plain.code, plain.stderr, plain.stdout.split("\n").at(-2)]).toEqual([0, "", "  x = 1"]);
    expect(mistyped).toEqual({
      code: 2,
      stdout: "",
      stderr: 'Pulumi.yaml: runtime.options.typescript: expected true or false, found "no"\n',
    });
  });

  it("exits 4 when the program never finishes or ends the process itself, instead of a silent exit", async () => {
    const [never, exits] = await Promise.all([
      plan(project({ "index.ts": "export const x = new Promise(() => {});\n" }), ...DEV),
      plan(project({ "index.ts": "process.exit(7);\n" }), ...DEV),
    ]);
    expect(never).toEqual({
      code: 4,
      stdout: "",
      stderr:
        "index.ts: the program failed: it never finished (an output or a promise it returns never settles)\n",
    });
    expect(exits).toEqual({
      code: 4,
      stdout: "",
      stderr:
        "index.ts: the program failed: it ended the process itself (process.exit(7)) before the plan finished\n",
    });
  });
});

describe("the platform's own stack files, read by the same readers", () => {
  it("refuses bytes that are not UTF-8 and nesting too deep, each in one line", async () => {
    const folder = project();
    const notUtf8 = join(folder, "latin1.yaml");
    writeFileSync(notUtf8, Buffer.from("config:\n  platform:tier: d\xe9v\n", "latin1"));
    const deep = join(folder, "deep.yaml");
    writeFileSync(deep, `config:\n  gcp:labels: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    const [latin1, nested] = await Promise.all([
      plan(ROOT, "--stack", "dev", "--stack-file", notUtf8, "--skip-policy"),
      plan(ROOT, "--stack", "dev", "--stack-file", deep, "--skip-policy"),
    ]);
    expect(latin1).toEqual({
      code: 2,
      stdout: "",
      stderr: `${notUtf8}: (file): expected a readable stack config file (a regular file of at most 1 MiB), found bytes that are not UTF-8 text (line 2)\n`,
    });
    expect(nested).toEqual({
      code: 2,
      stdout: "",
      stderr: `${deep}: (YAML): expected valid YAML, found values nested too deeply to read\n`,
    });
  });
});

describe("a team's program beside the running policy pack", () => {
  it("still exits 4 with one line when the program throws or never finishes (the pack's process neither hangs the plan nor hides the failure)", async () => {
    const [throws, never] = await Promise.all([
      plan(project({ "index.ts": 'throw new Error("no region chosen");\n' }), "--stack", "dev"),
      plan(project({ "index.ts": "export const x = new Promise(() => {});\n" }), "--stack", "dev"),
    ]);
    expect(throws).toEqual({
      code: 4,
      stdout: "",
      stderr:
        "index.ts: the program failed: Error: no region chosen (PLATFORM_PLAN_STACK_TRACES=1 shows where)\n",
    });
    expect(never).toEqual({
      code: 4,
      stdout: "",
      stderr:
        "index.ts: the program failed: it never finished (an output or a promise it returns never settles)\n",
    });
  });
});
