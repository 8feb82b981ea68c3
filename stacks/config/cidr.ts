/** IPv4 CIDR arithmetic for config validation: parsing and overlap detection. */

export interface Ipv4Range {
  cidr: string;
  first: number;
  last: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR block. */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const size = 2 ** (32 - prefix);
  // Host bits set (10.0.0.1/24) usually means a typo; GCP rejects such ranges too.
  if (address % size !== 0) return undefined;
  return { cidr, first: address, last: address + size - 1 };
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export interface LabelledRange {
  label: string;
  cidr: string;
}

/** Every pair of overlapping ranges, in input order; unparseable ranges are skipped (reported elsewhere). */
export function findOverlaps<T extends LabelledRange>(ranges: T[]): [T, T][] {
  const parsed = ranges
    .map((range) => ({ range, parsed: parseCidr(range.cidr) }))
    .filter((entry): entry is { range: T; parsed: Ipv4Range } => entry.parsed !== undefined);
  const overlaps: [T, T][] = [];
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (rangesOverlap(parsed[i].parsed, parsed[j].parsed))
        overlaps.push([parsed[i].range, parsed[j].range]);
    }
  }
  return overlaps;
}
