/**
 * The exemption register (policies/exemptions.yaml): who may skip which policy on which resource,
 * on which stacks, why, and until when. Pure functions, shared by the pack and the offline plan.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { tierOf } from "./lib/context";
import { quoteText, terminalLines, terminalText } from "./lib/terminal-text";
import { yamlErrorText } from "./lib/yaml-error";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The register's path, as messages name it. */
export const REGISTER_PATH = "policies/exemptions.yaml";

/** The longest an exemption may run: its expiry is at most this many days after today. */
export const MAX_EXEMPTION_DAYS = 180;

/** `*`, `**`, `urn:*`...: a pattern made only of wildcards exempts every resource of the stack. */
function matchesEverything(pattern: string): boolean {
  return /^(?:urn:)?\*+$/.test(pattern.trim());
}

/**
 * Whether a pattern names resources rather than sweeping a stack: an exact URN or name, or a glob
 * with a literal run of at least three letters or digits in the resource name (`dev-bastion*`).
 * `*-*`, `a*` or `urn:pulumi:prod::*` would match most or all of a stack.
 */
export function namesResources(pattern: string): boolean {
  const text = pattern.trim();
  if (!text.includes("*")) return text !== "";
  let name = text;
  if (text.startsWith("urn:")) {
    const segments = text.split("::");
    if (segments.length < 3) return false;
    name = segments[segments.length - 1];
  }
  return name.split("*").some((literal) => /[A-Za-z0-9]{3,}/.test(literal));
}

/** An exact URN: the only form a security policy can be exempted with on a prod stack. */
export function isExactUrn(pattern: string): boolean {
  return pattern.startsWith("urn:pulumi:") && !pattern.includes("*") && pattern.split("::").length === 4;
}

/** Tracker keys (`PLAT-142`), GitHub references (`org/repo#12`, `#12`) or an https link. */
const TICKET = /^(?:[A-Z][A-Z0-9]{1,9}-\d+|[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+#\d+|#\d+|https:\/\/[^\s]+)$/;

const exemptionSchema = z
  .object({
    policy: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "expected a policy name in kebab-case" }),
    resource: z
      .string()
      .min(1, { error: "expected a URN or a resource-name glob (e.g. 'urn:pulumi:dev::*::ci-cache')" })
      .refine((pattern) => !matchesEverything(pattern), {
        error:
          "expected a URN or a resource-name glob that names resources, not a pattern matching every resource",
      })
      .refine((pattern) => matchesEverything(pattern) || namesResources(pattern), {
        error:
          "expected a URN or a resource-name glob that names resources (a literal of at least 3 letters or digits in the name), not a pattern matching most of a stack",
      }),
    stacks: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: "expected a stack name" })).min(1, {
      error: "expected at least one stack name",
    }),
    owner: z.string().min(1, { error: "expected the owning team or person" }),
    reason: z.string().min(10, { error: "expected a reason of at least 10 characters" }),
    ticket: z.string().regex(TICKET, {
      error: "expected a ticket reference such as PLAT-142, org/repo#12 or an https link",
    }),
    expires: z
      .string({ error: "expected an ISO date (YYYY-MM-DD) as a quoted string" })
      .regex(ISO_DATE, { error: "expected an ISO date (YYYY-MM-DD)" })
      .refine(isRealDate, { error: "expected a real calendar date" }),
  })
  .strict();

const registerSchema = z.object({ exemptions: z.array(exemptionSchema) }).strict();

export type Exemption = z.infer<typeof exemptionSchema>;
export type ExemptionRegister = z.infer<typeof registerSchema>;

/** The public view of an exemption in force (the plan's `PolicyExemptionInForce`). */
export interface ExemptionInForce {
  policy: string;
  resource: string;
  owner: string;
  reason: string;
  ticket: string;
  expires: string;
}

/** A register that cannot be used: the message names the file, the path in it, expected and found. */
export class ExemptionRegisterError extends Error {
  constructor(message: string) {
    // It quotes the register, which a pull request can change: no escape or workflow command.
    super(terminalLines(message));
    this.name = "ExemptionRegisterError";
  }
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((segment, index) =>
      typeof segment === "number"
        ? `[${segment}]`
        : `${index === 0 ? "" : "."}${terminalText(String(segment))}`,
    )
    .join("");
}

function foundText(input: unknown): string {
  if (input === undefined) return "nothing";
  if (typeof input === "string") {
    const points = Array.from(input);
    return quoteText(points.length > 78 ? `${points.slice(0, 75).join("")}...` : input);
  }
  const text = terminalText(JSON.stringify(input) ?? String(input));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Parses and validates a register. `knownPolicies`, when given, rejects entries for policies the
 * pack does not have (a typo would otherwise exempt nothing, silently).
 */
export function loadExemptions(
  file: string,
  text: string,
  knownPolicies?: readonly string[],
  securityPolicies?: readonly string[],
): ExemptionRegister {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const where = first.linePos
      ? `line ${first.linePos[0].line}, column ${first.linePos[0].col}`
      : "(unknown position)";
    throw new ExemptionRegisterError(`${file}: ${where}: not valid YAML: ${yamlErrorText(first.message)}`);
  }
  const data = document.toJS() ?? { exemptions: [] };
  const parsed = registerSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const message = issue.message.replace(/^Invalid input: /, "");
      const found = "input" in issue ? `, found ${foundText(issue.input)}` : "";
      return `${file}: ${pathText(issue.path)}: ${message}${found}`;
    });
    throw new ExemptionRegisterError(lines.join("\n"));
  }
  if (knownPolicies) {
    const known = new Set(knownPolicies);
    const unknown = parsed.data.exemptions
      .map((entry, index) => ({ entry, index }))
      .filter(({ entry }) => !known.has(entry.policy));
    if (unknown.length > 0) {
      throw new ExemptionRegisterError(
        unknown
          .map(
            ({ entry, index }) =>
              `${file}: exemptions[${index}].policy: expected the name of a policy in the pack, found ${quoteText(entry.policy)}`,
          )
          .join("\n"),
      );
    }
  }
  if (securityPolicies) {
    const security = new Set(securityPolicies);
    const loose = parsed.data.exemptions
      .map((entry, index) => ({ entry, index }))
      .filter(
        ({ entry }) =>
          security.has(entry.policy) &&
          entry.stacks.some((stack) => tierOf(stack) === "prod") &&
          !isExactUrn(entry.resource),
      );
    if (loose.length > 0) {
      throw new ExemptionRegisterError(
        loose
          .map(
            ({ entry, index }) =>
              `${file}: exemptions[${index}].resource: expected an exact URN (no *) to exempt the security policy ${terminalText(entry.policy)} on a prod stack, found ${quoteText(entry.resource)}`,
          )
          .join("\n"),
      );
    }
  }
  return parsed.data;
}

/** `today` as YYYY-MM-DD (UTC). */
export function isoDay(today: Date | string): string {
  return typeof today === "string" ? today.slice(0, 10) : today.toISOString().slice(0, 10);
}

function publicView(entry: Exemption): ExemptionInForce {
  const { policy, resource, owner, reason, ticket, expires } = entry;
  return { policy, resource, owner, reason, ticket, expires };
}

/** Exemptions that apply to `stack` and have not expired (an exemption is valid through its `expires` day). */
export function exemptionsInForce(
  register: ExemptionRegister,
  stack: string,
  today: Date | string,
): ExemptionInForce[] {
  const day = isoDay(today);
  return register.exemptions.filter((e) => e.stacks.includes(stack) && e.expires >= day).map(publicView);
}

/** Exemptions for `stack` whose expiry date has passed. */
export function expiredExemptions(
  register: ExemptionRegister,
  stack: string,
  today: Date | string,
): ExemptionInForce[] {
  const day = isoDay(today);
  return register.exemptions.filter((e) => e.stacks.includes(stack) && e.expires < day).map(publicView);
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

/** The resource name at the end of a URN. */
export function nameFromUrn(urn: string): string {
  const index = urn.lastIndexOf("::");
  return index >= 0 ? urn.slice(index + 2) : urn;
}

/** A `urn:` pattern matches the URN; anything else matches the resource name. `*` matches any text. */
export function exemptionMatches(pattern: string, urn: string, name = nameFromUrn(urn)): boolean {
  const subject = pattern.startsWith("urn:") ? urn : name;
  return globToRegExp(pattern).test(subject);
}

export function isExempt(
  inForce: readonly ExemptionInForce[],
  policy: string,
  urn: string,
  name?: string,
): ExemptionInForce | undefined {
  return inForce.find((e) => e.policy === policy && exemptionMatches(e.resource, urn, name));
}

/** The day `days` after `day` (both YYYY-MM-DD, UTC). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${isoDay(day)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Entries whose expiry is more than MAX_EXEMPTION_DAYS after `today`, as messages naming the file
 * and path. The loader has no clock, so the pack checks this when it runs (exemption-register-valid).
 */
export function overlongExemptions(
  register: ExemptionRegister,
  today: Date | string,
  file = REGISTER_PATH,
): string[] {
  const day = isoDay(today);
  const latest = addDays(day, MAX_EXEMPTION_DAYS);
  return register.exemptions.flatMap((entry, index) =>
    entry.expires > latest
      ? [
          `${file}: exemptions[${index}].expires: the exemption from ${entry.policy} for "${entry.resource}" (owner ${entry.owner}, ticket ${entry.ticket}) expires on ${entry.expires}, more than ${MAX_EXEMPTION_DAYS} days after today (${day}); renew it closer to that date instead.`,
        ]
      : [],
  );
}
