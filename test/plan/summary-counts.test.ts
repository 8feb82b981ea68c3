import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../tools/plan/model";
import { summarize } from "../../tools/plan/plan";

const resource = (type: string, name: string) =>
  ({
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    type,
    name,
    parent: null,
    custom: true,
    protect: false,
    inputs: {},
  }) as PlannedResource;

describe("summarize: counts by type", () => {
  it("counts every type, sorted, including types spelled like Object.prototype members", () => {
    const summary = summarize([
      resource("gcp:storage/bucket:Bucket", "a"),
      resource("__proto__", "b"),
      resource("constructor", "c"),
      resource("constructor", "d"),
      resource("gcp:storage/bucket:Bucket", "e"),
    ]);
    expect(summary.resourceCount).toBe(5);
    expect(Object.entries(summary.byType)).toEqual([
      ["__proto__", 1],
      ["constructor", 2],
      ["gcp:storage/bucket:Bucket", 2],
    ]);
  });
});
