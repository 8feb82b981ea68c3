import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { prometheusRules, ruleFileYaml } from "../../components/monitoring/prometheus";
import { UserInputError } from "../../stacks/config/errors";
import { quoteText } from "../../stacks/config/terminal-text";
import { parseFlags, stackNameProblem, userInputExitCode, writeOutputFile } from "../cli/args";
import { loadStackInput } from "../plan/input";

const USAGE = `usage: npm run monitoring -- rules --stack <name> [--stack-file PATH] --out DIR

Writes the Prometheus rule file of every service of the stack that has Prometheus SLIs
(DIR/<service>.rules.yaml): recording rules for the error ratio per window and multi-window
burn-rate alerts derived from each SLO's objective and period. Managed Prometheus applies them.

  --stack NAME        stack whose platform:services to read (dev, staging, prod, or any with --stack-file)
  --stack-file PATH   read this stack config file instead of stacks/Pulumi.<stack>.yaml
  --out DIR           folder to write the rule files to (created when missing)
  --help              show this text

Exit codes: 0 written, 2 bad input.`;

export interface RulesArguments {
  stack: string;
  stackFile?: string;
  out: string;
}

export function parseRulesArguments(argv: string[]): RulesArguments | "help" {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h") return "help";
  if (command !== "rules") {
    throw new UserInputError([
      `command line: expected the command \`rules\`, found ${command === undefined ? "nothing" : quoteText(command)}\n${USAGE}`,
    ]);
  }
  const values = parseFlags(
    rest,
    {
      stack: { type: "string" },
      "stack-file": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    USAGE,
  );
  if (values.help) return "help";
  const stack = values.stack as string | undefined;
  const problem = stackNameProblem(stack);
  if (problem) throw new UserInputError([problem]);
  const out = values.out as string | undefined;
  if (!out)
    throw new UserInputError(["command line: --out: expected a folder for the rule files, found nothing"]);
  return { stack: stack as string, stackFile: values["stack-file"] as string | undefined, out };
}

export function main(argv: string[]): number {
  try {
    const args = parseRulesArguments(argv);
    if (args === "help") {
      console.log(USAGE);
      return 0;
    }
    const { loaded } = loadStackInput({ stack: args.stack, stackFile: args.stackFile });
    const config = loaded.config;
    if (!config.ci)
      throw new UserInputError([
        `${args.stackFile ?? args.stack}: platform:ci: expected the platform repository (runbook links), found nothing`,
      ]);
    const base = `https://github.com/${config.ci.github.organization}/${config.ci.platformRepository.name}/blob/main`;
    try {
      mkdirSync(args.out, { recursive: true });
    } catch (error) {
      throw new UserInputError([
        `${args.out}: (folder): expected a folder that can be created, found ${(error as NodeJS.ErrnoException).code}`,
      ]);
    }
    for (const service of config.services ?? []) {
      const rules = prometheusRules(service, base);
      if (!rules) {
        console.log(`${service.name}: no Prometheus SLI (Cloud Monitoring alert policies only)`);
        continue;
      }
      const file = path.join(args.out, `${service.name}.rules.yaml`);
      writeOutputFile(file, ruleFileYaml(rules));
      console.log(
        `${service.name}: ${file} (${rules.groups.length} SLO${rules.groups.length === 1 ? "" : "s"})`,
      );
    }
    return 0;
  } catch (error) {
    return userInputExitCode(error);
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
