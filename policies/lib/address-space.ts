/**
 * Address space, not spelling: how much of the internet a set of source ranges admits, whatever
 * way it is split. `0.0.0.0/1` + `128.0.0.0/1`, or 512 × `/9`, is the whole IPv4 space even though
 * no single range is wide. Ranges are merged as intervals per family before they are measured.
 */

interface Interval {
  from: bigint;
  to: bigint;
}

const IPV4_BITS = 32;
const IPV6_BITS = 128;

/** A share at or above this counts as world-open: the size of one IPv4 /8 (1/256 of the space). */
export const WORLD_IPV4_SHARE_PREFIX = 8;
/** For IPv6: the size of one /16. */
export const WORLD_IPV6_SHARE_PREFIX = 16;

function parseIpv4(text: string): bigint | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return undefined;
  let head = text;
  let tailWords: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tailWords = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const words = (part: string) => (part === "" ? [] : part.split(":"));
  const leftWords = words(left);
  const rightWords = right === undefined ? [] : words(right);
  if ([...leftWords, ...rightWords].some((word) => !/^[0-9A-Fa-f]{1,4}$/.test(word))) return undefined;
  const given = leftWords.length + rightWords.length + tailWords.length;
  if (right === undefined ? given !== 8 : given > 7) return undefined;
  const all = [
    ...leftWords.map((w) => Number.parseInt(w, 16)),
    ...new Array(8 - given).fill(0),
    ...rightWords.map((w) => Number.parseInt(w, 16)),
    ...tailWords,
  ];
  return all.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

export interface ParsedRange {
  family: 4 | 6;
  interval: Interval;
}

/** A CIDR (or a bare address) as an interval of its family; IPv4-mapped IPv6 counts as IPv4. Undefined when unreadable. */
export function parseRange(range: string): ParsedRange | undefined {
  const [address, prefixText, ...rest] = range.trim().split("/");
  if (rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return undefined;
  const v4 = parseIpv4(address);
  const family = v4 !== undefined ? 4 : 6;
  const value = v4 ?? parseIpv6(address);
  if (value === undefined) return undefined;
  const bits = family === 4 ? IPV4_BITS : IPV6_BITS;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const size = 1n << BigInt(bits - prefix);
  const from = value - (value % size);
  const interval = { from, to: from + size - 1n };
  // ::ffff:a.b.c.d/n is IPv4 a.b.c.d/(n-96).
  const mapped = 0xffffn << 32n;
  if (family === 6 && prefix >= 96 && interval.from >> 32n === 0xffffn)
    return { family: 4, interval: { from: interval.from - mapped, to: interval.to - mapped } };
  return { family, interval };
}

/**
 * Ranges that are not the internet (RFC 1918, shared CGNAT, loopback, link-local, "this network";
 * IPv6 unique-local, link-local and loopback): admitting them opens nothing to the world.
 */
const NON_PUBLIC: Record<4 | 6, readonly string[]> = {
  4: [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
  ],
  6: ["::1/128", "fc00::/7", "fe80::/10"],
};

function nonPublic(family: 4 | 6): Interval[] {
  return NON_PUBLIC[family].map((range) => parseRange(range)!.interval);
}

function merged(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const result: Interval[] = [];
  for (const next of sorted) {
    const current = result.at(-1);
    if (current && next.from <= current.to + 1n) {
      if (next.to > current.to) current.to = next.to;
    } else result.push({ ...next });
  }
  return result;
}

/** Public addresses in the union: merged size minus its overlap with the non-public ranges. */
function publicSize(intervals: Interval[], family: 4 | 6): bigint {
  const union = merged(intervals);
  let total = 0n;
  for (const interval of union) total += interval.to - interval.from + 1n;
  for (const reserved of nonPublic(family)) {
    for (const interval of union) {
      const from = interval.from > reserved.from ? interval.from : reserved.from;
      const to = interval.to < reserved.to ? interval.to : reserved.to;
      if (to >= from) total -= to - from + 1n;
    }
  }
  return total;
}

export interface Coverage {
  /** True when the union covers a world-sized share of IPv4 or IPv6, or a range cannot be read. */
  worldOpen: boolean;
  /** Public addresses covered per family (non-public ranges such as 10.0.0.0/8 do not count). */
  ipv4Addresses: bigint;
  ipv6Addresses: bigint;
  unreadable: string[];
}

/** Measures the union of `ranges`. A range that is not a CIDR counts as world-open: it cannot be shown narrow. */
export function coverageOf(ranges: readonly string[]): Coverage {
  const v4: Interval[] = [];
  const v6: Interval[] = [];
  const unreadable: string[] = [];
  for (const range of ranges) {
    const parsed = parseRange(range);
    if (!parsed) unreadable.push(range);
    else (parsed.family === 4 ? v4 : v6).push(parsed.interval);
  }
  const ipv4Addresses = publicSize(v4, 4);
  const ipv6Addresses = publicSize(v6, 6);
  const worldOpen =
    unreadable.length > 0 ||
    ipv4Addresses >= 1n << BigInt(IPV4_BITS - WORLD_IPV4_SHARE_PREFIX) ||
    ipv6Addresses >= 1n << BigInt(IPV6_BITS - WORLD_IPV6_SHARE_PREFIX);
  return { worldOpen, ipv4Addresses, ipv6Addresses, unreadable };
}

export function isWorldOpen(ranges: readonly string[]): boolean {
  return coverageOf(ranges).worldOpen;
}

/** "0.0.0.0/1, 128.0.0.0/1 (together 100% of IPv4)" style text for messages. */
export function describeRanges(ranges: readonly string[]): string {
  const coverage = coverageOf(ranges);
  const parts: string[] = [];
  if (coverage.ipv4Addresses > 0n) parts.push(`${percent(coverage.ipv4Addresses, IPV4_BITS)} of IPv4`);
  if (coverage.ipv6Addresses > 0n) parts.push(`${percent(coverage.ipv6Addresses, IPV6_BITS)} of IPv6`);
  if (parts.length === 0) parts.push("no public addresses");
  if (coverage.unreadable.length > 0) parts.push(`unreadable: ${coverage.unreadable.join(", ")}`);
  const shown =
    ranges.length > 4 ? `${ranges.slice(0, 4).join(", ")} and ${ranges.length - 4} more` : ranges.join(", ");
  return `${shown} (together ${parts.join(", ")})`;
}

function percent(addresses: bigint, bits: number): string {
  const tenths = Number(((addresses * 2000n) / (1n << BigInt(bits)) + 1n) / 2n);
  return `${(tenths / 10).toFixed(1).replace(/\.0$/, "")}%`;
}
