import { describe, expect, it } from "vitest";
import {
  escalationDiagram,
  renderIncidentTemplate,
  renderOncallDocument,
} from "../../components/oncall/document";
import { linkDestination } from "../../tools/plan-summary/inert";
import { parsedModel } from "./fixture";

/** Free text of the on-call model (names, descriptions, meanings, URLs, addresses) in the generated documents. */

const WJ = "\u2060";

describe("the on-call documents render free text from the stack file inert", () => {
  const model = parsedModel((input) => {
    input.people[0]!.name = "Ana <img src=https://e.x/t.png> @octocat\u202e";
    input.areas[0]!.description = "Deploys ![x](https://e.x/p.png) <!-- hidden -->";
    input.areas[0]!.runbook = "https://runbooks.example.com/d)![t](https://e.x/t.png";
    input.severities.SEV1.meaning = "Down | $\\color{green}ok$";
    const email = input.receivers.find((receiver) => receiver.type === "email");
    if (email && email.type === "email") email.address = "<b>x</b>@example.com";
  });
  const document = renderOncallDocument(model, "dev", "2026-12-07");
  const template = renderIncidentTemplate(model, "dev");

  it("escapes a person's name, a description and a meaning as prose", () => {
    expect(document).toContain(`&lt;img src=https:${WJ}//e.x/t.png&gt; @${WJ}octocat`);
    expect(document).toContain(
      `| deployment | platform | Deploys \\!\\[x\\]\\(https:${WJ}//e.x/p.png\\) &lt;\\!-- hidden --&gt; |`,
    );
    expect(document).toContain("Down \\\\| \\$\\\\color\\{green\\}ok\\$");
    expect(template).toContain("Down \\\\| \\$\\\\color\\{green\\}ok\\$");
    expect(document).not.toMatch(/<img|<!--|\u202e/);
  });

  it("percent-encodes a runbook URL so the link ends where it should", () => {
    expect(document).toContain("[runbook](https://runbooks.example.com/d%29!%5Bt%5D%28https://e.x/t.png)");
    expect(document).toContain(
      "- deployment: <https://runbooks.example.com/d%29!%5Bt%5D%28https://e.x/t.png>",
    );
  });

  it("shows an email receiver's address as code", () => {
    expect(document).toContain("(`<b>x</b>@example.com`)");
  });

  it("keeps Mermaid labels free of invisible characters", () => {
    const diagram = escalationDiagram(
      parsedModel((input) => {
        input.people[0]!.name = "A\u202e\u200bna";
      }),
      "platform-page",
    );
    expect(diagram).not.toMatch(/[\u202e\u200b]/);
  });
});

describe("linkDestination", () => {
  it.each([
    ["a plain URL", "https://runbooks.example.com/a/b-c_d.e~f", "https://runbooks.example.com/a/b-c_d.e~f"],
    ["parentheses and brackets", "https://x/a(b)[c]", "https://x/a%28b%29%5Bc%5D"],
    ["angle brackets, quotes, backticks, pipes", "https://x/<a>\"'`|\\", "https://x/%3Ca%3E%22%27%60%7C%5C"],
    ["non-ASCII as UTF-8", "https://x/é", "https://x/%C3%A9"],
    ["an encoded escape stays", "https://x/a%20b", "https://x/a%20b"],
    ["white space and controls", "https://x/a b\n\u001b[1m", "https://x/ab"],
  ])("%s", (_what, url, expected) => {
    expect(linkDestination(url)).toBe(expected);
  });
});
