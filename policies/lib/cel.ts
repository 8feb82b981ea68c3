/**
 * Just enough of CEL (Common Expression Language) to read an attribute condition's top-level
 * `&&` clauses: a tokenizer that knows string literals (quotes, triple quotes, raw and bytes
 * prefixes, escapes), `//` comments and brackets, and a splitter that respects precedence (`&&`
 * binds tighter than `||`, and both tighter than `? :`). No evaluation and no CEL dependency: the
 * pack only needs to know which clauses every token must satisfy.
 */

export type CelTokenKind = "identifier" | "number" | "string" | "operator";

export interface CelToken {
  kind: CelTokenKind;
  /** The token's source text (for strings: with prefix and quotes). */
  text: string;
}

const OPERATORS = [
  "&&",
  "||",
  "==",
  "!=",
  "<=",
  ">=",
  "<",
  ">",
  "!",
  "?",
  ":",
  ".",
  ",",
  "+",
  "-",
  "*",
  "/",
  "%",
];
const BRACKETS = "()[]{}";
const OPENING: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Length of the string literal starting at `start` (its quote), or undefined when it never ends. */
function stringLength(text: string, start: number, raw: boolean): number | undefined {
  const quote = text[start];
  const triple = text.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let index = start + close.length;
  while (index < text.length) {
    if (!raw && text[index] === "\\") {
      index += 2;
      continue;
    }
    if (!triple && (text[index] === "\n" || text[index] === "\r")) return undefined;
    if (text.startsWith(close, index)) return index + close.length - start;
    index += 1;
  }
  return undefined;
}

/** The tokens of a CEL expression, or undefined when it cannot be tokenized (fail closed). */
export function tokenizeCel(text: string): CelToken[] | undefined {
  const tokens: CelToken[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (text.startsWith("//", index)) {
      const end = text.indexOf("\n", index);
      index = end < 0 ? text.length : end + 1;
      continue;
    }
    // String literals, with an optional r / b prefix in either case and order (r"..", b'..', rb"..").
    const prefix = /^(?:[rR][bB]?|[bB][rR]?)?(?=["'])/.exec(text.slice(index));
    if (prefix) {
      const quoteAt = index + prefix[0].length;
      const length = stringLength(text, quoteAt, /r/i.test(prefix[0]));
      if (length === undefined) return undefined;
      const end = quoteAt + length;
      tokens.push({ kind: "string", text: text.slice(index, end) });
      index = end;
      continue;
    }
    const identifier = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index));
    if (identifier) {
      tokens.push({ kind: "identifier", text: identifier[0] });
      index += identifier[0].length;
      continue;
    }
    const number = /^(?:0x[0-9A-Fa-f]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)[uU]?/.exec(text.slice(index));
    if (number) {
      tokens.push({ kind: "number", text: number[0] });
      index += number[0].length;
      continue;
    }
    if (BRACKETS.includes(char)) {
      tokens.push({ kind: "operator", text: char });
      index += 1;
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, index));
    if (!operator) return undefined;
    tokens.push({ kind: "operator", text: operator });
    index += operator.length;
  }
  return tokens;
}

/** Bracket depth before each token, or undefined when the brackets do not balance. */
function depths(tokens: readonly CelToken[]): number[] | undefined {
  const stack: string[] = [];
  const result: number[] = [];
  for (const token of tokens) {
    if (token.kind === "operator" && OPENING[token.text]) {
      if (stack.pop() !== OPENING[token.text]) return undefined;
      result.push(stack.length);
      continue;
    }
    result.push(stack.length);
    if (token.kind === "operator" && "([{".includes(token.text)) stack.push(token.text);
  }
  return stack.length === 0 ? result : undefined;
}

/** True when the first token's bracket closes at the last token: `( ... )` around everything. */
function wrapped(tokens: readonly CelToken[], depth: readonly number[]): boolean {
  if (tokens.length < 2 || tokens[0].text !== "(" || tokens[tokens.length - 1].text !== ")") return false;
  for (let index = 1; index < tokens.length - 1; index += 1) {
    if (depth[index] === 0) return false;
  }
  return true;
}

function clausesOf(tokens: CelToken[]): CelToken[][] | undefined {
  const depth = depths(tokens);
  if (!depth) return undefined;
  if (tokens.length === 0) return [];
  if (wrapped(tokens, depth)) return clausesOf(tokens.slice(1, -1));
  // A top-level `||` or `? :` binds looser than `&&`: the whole expression is one clause.
  if (tokens.some((token, index) => depth[index] === 0 && (token.text === "||" || token.text === "?")))
    return [tokens];
  const parts: CelToken[][] = [[]];
  tokens.forEach((token, index) => {
    if (depth[index] === 0 && token.kind === "operator" && token.text === "&&") parts.push([]);
    else parts[parts.length - 1].push(token);
  });
  if (parts.length === 1) return [tokens];
  const result: CelToken[][] = [];
  for (const part of parts) {
    if (part.length === 0) return undefined;
    const inner = clausesOf(part);
    if (!inner) return undefined;
    result.push(...inner);
  }
  return result;
}

/**
 * The clauses every evaluation must satisfy: the expression split at its top-level `&&`, with
 * parentheses around a clause (or around the whole) removed and nested conjunctions flattened.
 * An expression whose top level is a `||` or a `? :` is one clause. Undefined when the text cannot
 * be read (unterminated string, unbalanced brackets, an empty clause, an unknown character).
 */
export function topLevelClauses(expression: string): CelToken[][] | undefined {
  const tokens = tokenizeCel(expression);
  return tokens ? clausesOf(tokens) : undefined;
}

/** A clause's tokens as canonical text (single spaces), for messages. */
export function clauseText(clause: readonly CelToken[]): string {
  return clause.map((token) => token.text).join(" ");
}
