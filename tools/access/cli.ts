import { describeValue, UserInputError } from "../../stacks/config/errors";
import { INPUT_LIMITS, readInputFile } from "../../stacks/config/input-file";
import { parseFlags, stackNameProblem, userInputExitCode } from "../cli/args";
import type { PlannedResource } from "../plan/model";
import { planStack } from "../plan/plan";
import { type AccessDecision, simulateAccess, type TokenClaims } from "./simulate";

const USAGE = `usage: npm run access -- --stack <name> --token <claims.json | token.jwt> [--stack-file PATH] [--json]

Tells which service accounts a GitHub Actions job can impersonate in a stack, and why not: plans
the stack offline, then evaluates each Workload Identity provider's attribute mapping and
condition (CEL) against the token's claims, and every grant that allows impersonation (on the
account, its project, folder or organization; IAMMember, IAMBinding, IAMPolicy; any role holding
an impersonation permission; chains through other accounts).

  --token FILE        the token's claims as JSON (print them with github/actions-oidc-debugger),
                      or the JWT itself (its signature is not checked)
  --stack NAME        stack to plan (dev, staging, prod, or any name with --stack-file)
  --stack-file PATH   plan this stack config file instead of stacks/Pulumi.<stack>.yaml
  --json              print the decisions as JSON instead of text
  --help              show this text

Exit codes: 0 the token can impersonate at least one service account, 1 none, 2 bad input.`;

/** Claims every GitHub Actions token carries and the simulation reads. */
const REQUIRED_CLAIMS = [
  "iss",
  "sub",
  "repository",
  "repository_id",
  "repository_owner_id",
  "ref",
  "event_name",
] as const;
const NUMERIC_CLAIMS = ["repository_id", "repository_owner_id"] as const;

export interface AccessArguments {
  stack: string;
  stackFile?: string;
  token: string;
  json: boolean;
}

export function parseAccessArguments(argv: string[]): AccessArguments | "help" {
  const values = parseFlags(
    argv,
    {
      stack: { type: "string" },
      "stack-file": { type: "string" },
      token: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    USAGE,
  );
  if (values.help) return "help";
  const stack = values.stack as string | undefined;
  const token = values.token as string | undefined;
  const problems: string[] = [];
  const stackProblem = stackNameProblem(stack);
  if (stackProblem) problems.push(stackProblem);
  if (!token)
    problems.push(
      "command line: --token: expected a file with a GitHub OIDC token or its claims, found nothing",
    );
  if (problems.length > 0) throw new UserInputError([...problems, USAGE]);
  return {
    stack: stack as string,
    token: token as string,
    stackFile: values["stack-file"] as string | undefined,
    json: values.json === true,
  };
}

/** Reads a token file: claims as JSON, or a JWT whose payload is decoded (not verified). */
export function readClaims(file: string): TokenClaims {
  const text = readInputFile(file, { what: "a readable token file", maxBytes: INPUT_LIMITS.token }).trim();
  let parsed: unknown;
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text)) {
    try {
      parsed = JSON.parse(Buffer.from(text.split(".")[1], "base64url").toString("utf8"));
    } catch {
      throw new UserInputError([
        `${file}: (JWT payload): expected base64url-encoded JSON claims, found undecodable text`,
      ]);
    }
  } else {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UserInputError([
        `${file}: (JSON): expected the token's claims as a JSON object, found ${(error as Error).message}`,
      ]);
    }
  }
  return checkClaims(file, parsed);
}

export function checkClaims(file: string, value: unknown): TokenClaims {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserInputError([
      `${file}: (top level): expected the token's claims as a JSON object, found ${describeValue(value)}`,
    ]);
  }
  const claims = value as TokenClaims;
  const problems: string[] = [];
  for (const claim of REQUIRED_CLAIMS) {
    if (typeof claims[claim] !== "string" || claims[claim] === "") {
      problems.push(
        `${file}: ${claim}: expected a string claim (every GitHub Actions token has it), found ${describeValue(claims[claim])}`,
      );
    }
  }
  for (const claim of NUMERIC_CLAIMS) {
    if (typeof claims[claim] === "string" && !/^[0-9]+$/.test(claims[claim] as string)) {
      problems.push(
        `${file}: ${claim}: expected a numeric id in quotes, like "123456789", found ${describeValue(claims[claim])}`,
      );
    }
  }
  if ("environment" in claims && typeof claims.environment !== "string") {
    problems.push(
      `${file}: environment: expected a string (or no environment claim), found ${describeValue(claims.environment)}`,
    );
  }
  if (problems.length > 0) throw new UserInputError(problems);
  return claims;
}

export function renderDecisions(stack: string, claims: TokenClaims, decisions: AccessDecision[]): string {
  const lines = [
    `Token: ${claims.repository} (repository_id ${claims.repository_id}, owner id ${claims.repository_owner_id}), ` +
      `event ${claims.event_name}, ref ${claims.ref}${typeof claims.environment === "string" ? `, environment ${claims.environment}` : ", no environment"}`,
    `Stack: ${stack}`,
  ];
  if (decisions.length === 0) {
    lines.push(
      "No service account in this stack is bound to a Workload Identity pool: nothing to impersonate.",
    );
    return lines.join("\n");
  }
  for (const decision of decisions) {
    lines.push(
      `  ${decision.allowed ? "CAN impersonate   " : "cannot impersonate"} ${decision.serviceAccount}`,
    );
    lines.push(`      ${decision.reason}`);
  }
  const subject = decisions.find((decision) => decision.attributes)?.attributes?.["google.subject"];
  if (subject) lines.push(`google.subject in audit logs: ${subject}`);
  return lines.join("\n");
}

export interface AccessDependencies {
  /** Plans a stack and returns its resources; the default runs the stack program under mocks. */
  planResources?: (stack: string, stackFile?: string) => Promise<PlannedResource[]>;
  log?: (text: string) => void;
  error?: (text: string) => void;
}

export async function main(argv: string[], dependencies: AccessDependencies = {}): Promise<number> {
  const log = dependencies.log ?? console.log;
  const error = dependencies.error ?? console.error;
  const planResources =
    dependencies.planResources ??
    (async (stack: string, stackFile?: string) =>
      // Who can impersonate what is a question about the identities after `up`: members known.
      (await planStack({ stack, stackFile, outputs: "known" })).result.resources);
  try {
    const args = parseAccessArguments(argv);
    if (args === "help") {
      log(USAGE);
      return 0;
    }
    const claims = readClaims(args.token);
    const decisions = simulateAccess(await planResources(args.stack, args.stackFile), claims);
    const report = { stack: args.stack, token: args.token, decisions };
    log(args.json ? JSON.stringify(report, null, 2) : renderDecisions(args.stack, claims, decisions));
    return decisions.some((decision) => decision.allowed) ? 0 : 1;
  } catch (caught) {
    return userInputExitCode(caught, error);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (caught: unknown) => {
      console.error(caught);
      process.exitCode = 3;
    },
  );
}
