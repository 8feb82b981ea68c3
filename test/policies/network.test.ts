import { describe, expect, it } from "vitest";
import { isWorldRange } from "../../policies/rules/network";

describe("isWorldRange", () => {
  it.each([
    "0.0.0.0/0",
    " 0.0.0.0/0 ",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "10.0.0.0/8",
    "::/0",
    "::0/0",
    "0::/0",
    "0:0:0:0:0:0:0:0/0",
    "2000::/3",
    "2001::/16",
    "::ffff:0.0.0.0/96",
    "::ffff:0:0/100",
    "0.0.0.0/33",
    "300.0.0.0/24",
    "not-a-cidr",
    "1.2.3.4/5/6",
  ])("%s is world-open", (range) => {
    expect(isWorldRange(range)).toBe(true);
  });
  it.each([
    "10.0.0.0/9",
    "35.235.240.0/20",
    "203.0.113.7",
    "2001:db8::/17",
    "2001:db8::/32",
    "::1",
    "fd00::/64",
  ])("%s is not", (range) => {
    expect(isWorldRange(range)).toBe(false);
  });
});
