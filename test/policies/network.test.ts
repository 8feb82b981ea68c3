import { describe, expect, it } from "vitest";
import { coverageOf, describeRanges } from "../../policies/lib/address-space";
import { isWorldRange } from "../../policies/rules/network";

describe("isWorldRange", () => {
  it.each([
    "0.0.0.0/0",
    " 0.0.0.0/0 ",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "11.0.0.0/8",
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
    // Not the internet: private, shared, loopback and unique-local space, however wide.
    "10.0.0.0/8",
    "172.16.0.0/12",
    "100.64.0.0/10",
    "fc00::/7",
  ])("%s is not", (range) => {
    expect(isWorldRange(range)).toBe(false);
  });
});

describe("coverageOf: the union of ranges, whatever the split", () => {
  const nineteen = Array.from({ length: 512 }, (_, index) => `${index >> 1}.${(index & 1) * 128}.0.0/9`);
  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"], "0.0.0.0/1, 128.0.0.0/1 (together 98.7% of IPv4)"],
    [nineteen, "0.0.0.0/9, 0.128.0.0/9, 1.0.0.0/9, 1.128.0.0/9 and 508 more (together 98.7% of IPv4)"],
    [["8.0.0.0/9", "8.128.0.0/9"], "8.0.0.0/9, 8.128.0.0/9 (together 0.4% of IPv4)"],
    [["2001::/17", "2001:8000::/17"], "2001::/17, 2001:8000::/17 (together 0% of IPv6)"],
    [["::ffff:11.0.0.0/105", "11.128.0.0/9"], "::ffff:11.0.0.0/105, 11.128.0.0/9 (together 0.4% of IPv4)"],
  ])("%j is world-open: %s", (ranges, text) => {
    expect(coverageOf(ranges).worldOpen).toBe(true);
    expect(describeRanges(ranges)).toBe(text);
  });
  it.each([
    [["8.0.0.0/9", "9.0.0.0/10"]],
    [["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
    [["2001:db8::/17", "2001:db8:8000::/17"]],
    [["203.0.113.0/24", "203.0.113.0/24"]],
  ])("%j is not", (ranges) => {
    expect(coverageOf(ranges).worldOpen).toBe(false);
  });
});
