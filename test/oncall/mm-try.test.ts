// @vitest-environment happy-dom
import { expect, it } from "vitest";
it("parses", async () => {
  const mermaid = (await import("mermaid")).default;
  const ok = await mermaid.parse('flowchart LR\n  a["Start"] -->|"0 min"| b["Primary"]\n');
  expect(ok).toMatchObject({ diagramType: "flowchart-v2" });
  await expect(mermaid.parse("flowchart LR\n a --> -->")).rejects.toThrow();
});
