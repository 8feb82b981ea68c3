/**
 * Address-space arithmetic at its edges: how each spelling of an IPv4 or IPv6 address reads (the
 * interval written out by hand), what is refused, how overlapping and unordered ranges are merged,
 * and the text the messages show.
 */
import { describe, expect, it } from "vitest";
import { coverageOf, describeRanges, parseRange } from "../../policies/lib/address-space";

const v4 = (from: bigint, to = from) => ({ family: 4, interval: { from, to } });
const v6 = (from: bigint, to = from) => ({ family: 6, interval: { from, to } });

/** Public IPv4: 2^32 minus 0/8, 10/8, 127/8 (3 × 2^24), 100.64/10 (2^22), 172.16/12 (2^20), 169.254/16 and 192.168/16 (2 × 2^16). */
const PUBLIC_IPV4 = 4_294_967_296n - 55_705_600n;

describe("parseRange: IPv4", () => {
  it.each([
    ["10.0.0.0/8", v4(167_772_160n, 184_549_375n)],
    ["10.1.2.3/8", v4(167_772_160n, 184_549_375n)],
    [" 10.0.0.0/8 ", v4(167_772_160n, 184_549_375n)],
    ["1.2.3.4", v4(16_909_060n)],
    ["192.168.1.100/32", v4(3_232_235_876n)],
    ["255.255.255.255/31", v4(4_294_967_294n, 4_294_967_295n)],
    ["0.0.0.0/0", v4(0n, 4_294_967_295n)],
  ])("%j", (range, parsed) => {
    expect(parseRange(range)).toEqual(parsed);
  });

  it.each([
    "10.0.0.0/8/1",
    "10.0.0.0/33",
    "10.0.0.0/a8",
    "10.0.0.0/8a",
    "10.0.0.0/1234",
    "10.0.0.0/",
    "1.2.3.4x",
    "256.0.0.0/8",
    "1.2.3/24",
    "",
  ])("%j is unreadable", (range) => {
    expect(parseRange(range)).toBeUndefined();
  });
});

describe("parseRange: IPv6", () => {
  it.each([
    ["::/0", v6(0n, (1n << 128n) - 1n)],
    ["2001:db8::/32", v6(0x20010db8n << 96n, (0x20010db8n << 96n) + (1n << 96n) - 1n)],
    ["2001:db8::1", v6(0x20010db8000000000000000000000001n)],
    ["2001:DB8:0:0:0:0:0:1", v6(0x20010db8000000000000000000000001n)],
    ["1:2:3:4:5:6::7", v6(0x00010002000300040005000600000007n)],
    ["::1", v6(1n)],
    // An IPv4 tail after six words, or after `::` (IPv4-compatible, which is not IPv4-mapped).
    ["1:2:3:4:5:6:1.2.3.4", v6(0x00010002000300040005000601020304n)],
    ["::1.2.3.4", v6(0x01020304n)],
    // IPv4-mapped addresses are IPv4.
    ["::ffff:1.2.3.4", v4(16_909_060n)],
    ["::ffff:1.2.3.4/120", v4(16_909_056n, 16_909_311n)],
    ["::ffff:102:304", v4(16_909_060n)],
  ])("%j", (range, parsed) => {
    expect(parseRange(range)).toEqual(parsed);
  });

  it.each([
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4::5:6:7:8",
    "1::2::3",
    "2001:db8::g",
    "1:2:3:4:5:6:7:12345",
    "::ffff:1.2.3.256",
    "::ffff:1.2.3",
    "1.2::3",
    "::/129",
    "x::1",
  ])("%j is unreadable", (range) => {
    expect(parseRange(range)).toBeUndefined();
  });
});

describe("coverageOf", () => {
  it("ranges that overlap by one address count it once", () => {
    expect(coverageOf(["8.8.8.0/31", "8.8.8.1"])).toEqual({
      worldOpen: false,
      ipv4Addresses: 2n,
      ipv6Addresses: 0n,
      unreadable: [],
    });
  });

  it("the 512 halves of every /8, in reverse order and each given twice, are the public IPv4 space once", () => {
    const halves = Array.from(
      { length: 512 },
      (_, index) => `${index >> 1}.${(index & 1) * 128}.0.0/9`,
    ).reverse();
    expect(coverageOf([...halves, ...halves])).toEqual({
      worldOpen: true,
      ipv4Addresses: PUBLIC_IPV4,
      ipv6Addresses: 0n,
      unreadable: [],
    });
  });

  it("an unreadable range is world-open and listed; readable ones are still measured", () => {
    expect(coverageOf(["x", "8.8.8.8", "2001:db8::/126", "1.2.3.4/40"])).toEqual({
      worldOpen: true,
      ipv4Addresses: 1n,
      ipv6Addresses: 4n,
      unreadable: ["x", "1.2.3.4/40"],
    });
  });
});

describe("describeRanges", () => {
  it.each([
    [["10.0.0.0/8"], "10.0.0.0/8 (together no public addresses)"],
    [["x", "10.0.0.0/8", "y"], "x, 10.0.0.0/8, y (together no public addresses, unreadable: x, y)"],
    [["8.8.8.8", "2000::/3"], "8.8.8.8, 2000::/3 (together 0% of IPv4, 12.5% of IPv6)"],
    [["::/0"], "::/0 (together 99.1% of IPv6)"],
    [
      ["1.0.0.0/8", "2.0.0.0/8", "3.0.0.0/8", "4.0.0.0/8"],
      "1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8, 4.0.0.0/8 (together 1.6% of IPv4)",
    ],
    [
      ["1.0.0.0/8", "2.0.0.0/8", "3.0.0.0/8", "4.0.0.0/8", "5.0.0.0/8"],
      "1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8, 4.0.0.0/8 and 1 more (together 2% of IPv4)",
    ],
    [["0.0.0.0/0", "zz"], "0.0.0.0/0, zz (together 98.7% of IPv4, unreadable: zz)"],
  ])("%j", (ranges, text) => {
    expect(describeRanges(ranges)).toBe(text);
  });
});
