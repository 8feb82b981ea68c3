import { describe, expect, it } from "vitest";
import { findOverlaps, parseCidr, rangesOverlap } from "../../stacks/config/cidr";

/** `a.b.c.d` as the unsigned 32-bit number it stands for, computed by hand in each test's comment. */
describe("parseCidr: canonical IPv4 blocks, boundaries written by hand", () => {
  it.each([
    // cidr, first, last
    ["10.0.0.0/8", 167772160, 184549375], // 10<<24 .. +2^24-1
    ["0.0.0.0/0", 0, 4294967295], // the whole space
    ["255.255.255.255/32", 4294967295, 4294967295], // one address, the top one
    ["192.168.1.0/24", 3232235776, 3232236031], // 192<<24 + 168<<16 + 1<<8
    ["172.16.0.0/12", 2886729728, 2887778303],
    ["10.1.2.3/32", 167838211, 167838211], // 10<<24 + 1<<16 + 2<<8 + 3
    ["128.0.0.0/1", 2147483648, 4294967295], // the top bit alone (unsigned shift)
    ["0.0.0.0/1", 0, 2147483647],
    ["10.128.0.0/9", 176160768, 184549375],
    ["100.64.0.0/10", 1681915904, 1686110207],
  ])("%s is %d..%d", (cidr, first, last) => {
    expect(parseCidr(cidr)).toEqual({ cidr, first, last });
  });

  it.each([
    ["256.1.2.3/33", "an octet over 255 and a prefix over 32"],
    ["256.0.0.0/8", "first octet 256"],
    ["10.256.0.0/16", "second octet 256"],
    ["10.0.256.0/24", "third octet 256"],
    ["10.0.0.256/32", "fourth octet 256"],
    ["10.0.0.0/33", "prefix 33"],
    ["10.0.0.0/99", "prefix 99"],
    ["10.0.0.1/24", "host bits set"],
    ["10.0.0.128/24", "host bits set (high host bit)"],
    ["10.0.1.0/23", "host bits set in the third octet"],
    ["10.0.0.0", "no prefix"],
    ["10.0.0/8", "three octets"],
    ["10.0.0.0.0/8", "five octets"],
    ["1000.0.0.0/8", "four digits"],
    ["10.0.0.0/100", "three-digit prefix"],
    [" 10.0.0.0/8", "leading space"],
    ["10.0.0.0/8 ", "trailing space"],
    ["x10.0.0.0/8", "leading text"],
    ["10.0.0.0/8x", "trailing text"],
    ["10.0.0.0/", "empty prefix"],
    ["a.b.c.d/8", "letters"],
    ["10.0.0.0/-1", "negative prefix"],
    ["::/0", "IPv6"],
    ["", "empty"],
  ])("%s is refused (%s)", (cidr) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });

  it("accepts the largest octet and prefix values exactly at their limits", () => {
    expect(parseCidr("255.0.0.0/8")).toEqual({ cidr: "255.0.0.0/8", first: 4278190080, last: 4294967295 });
    expect(parseCidr("0.0.0.255/32")).toEqual({ cidr: "0.0.0.255/32", first: 255, last: 255 });
    expect(parseCidr("0.0.255.0/24")).toEqual({ cidr: "0.0.255.0/24", first: 65280, last: 65535 });
    expect(parseCidr("0.255.0.0/16")).toEqual({ cidr: "0.255.0.0/16", first: 16711680, last: 16777215 });
  });
});

describe("rangesOverlap: inclusive bounds", () => {
  const range = (first: number, last: number) => ({ cidr: `${first}-${last}`, first, last });

  it.each([
    [range(0, 9), range(10, 19), false], // adjacent, below
    [range(10, 19), range(0, 9), false], // adjacent, above
    [range(0, 10), range(10, 19), true], // share the last address
    [range(10, 19), range(0, 10), true], // share the first address
    [range(0, 100), range(40, 50), true], // containment
    [range(40, 50), range(0, 100), true],
    [range(5, 5), range(5, 5), true], // identical single addresses
    [range(0, 4), range(6, 9), false], // a gap between
  ])("%j and %j: %s", (a, b, expected) => {
    expect(rangesOverlap(a, b)).toBe(expected);
  });
});

describe("findOverlaps", () => {
  it("returns every overlapping pair once, in input order, and skips unparseable ranges", () => {
    const ranges = [
      { label: "a", cidr: "10.0.0.0/16" },
      { label: "bad", cidr: "10.0.0.1/16" },
      { label: "b", cidr: "10.0.128.0/24" },
      { label: "c", cidr: "10.1.0.0/16" },
      { label: "d", cidr: "10.0.0.0/8" },
      { label: "e", cidr: "192.168.0.0/16" },
    ];
    expect(findOverlaps(ranges).map(([x, y]) => [x.label, y.label])).toEqual([
      ["a", "b"],
      ["a", "d"],
      ["b", "d"],
      ["c", "d"],
    ]);
  });

  it("returns the callers' own objects, and nothing for disjoint, single or no ranges", () => {
    const first = { label: "x", cidr: "10.0.0.0/24", extra: 1 };
    const second = { label: "y", cidr: "10.0.0.128/25", extra: 2 };
    expect(findOverlaps([first, second])).toEqual([[first, second]]);
    expect(findOverlaps([first, second])[0][0]).toBe(first);
    expect(
      findOverlaps([
        { label: "a", cidr: "10.0.0.0/24" },
        { label: "b", cidr: "10.0.1.0/24" },
      ]),
    ).toEqual([]);
    expect(findOverlaps([first])).toEqual([]);
    expect(findOverlaps([])).toEqual([]);
  });
});
