import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { IpRangeTable, parseAddressWords, parseIpv4Number, parseIpv6Fast, parseRange } from '../../src/discovery/ip-ranges.js';

// Small deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomV4(r: () => number): string {
  return [0, 0, 0, 0].map(() => Math.floor(r() * 256)).join('.');
}

function randomV6(r: () => number, prefix = '2001:db8'): string {
  const groups = Array.from({ length: 6 }, () => Math.floor(r() * 65536).toString(16));
  return `${prefix}:${groups.join(':')}`;
}

/** The oracle: ipaddr.js match over every range, ordered by prefix length (longest first). */
type Parsed = { net: ipaddr.IPv4 | ipaddr.IPv6; bits: number; value: number };
function naive(ranges: Parsed[], ip: string): number[] {
  const addr = ipaddr.process(ip);
  const hits: { value: number; bits: number; order: number }[] = [];
  ranges.forEach((rg, order) => {
    if (rg.net.kind() === addr.kind() && addr.match(rg.net, rg.bits)) hits.push({ value: rg.value, bits: rg.bits, order });
  });
  return hits.sort((a, b) => b.bits - a.bits || a.order - b.order).map((h) => h.value);
}

describe('ip range table', () => {
  it('parses dotted quads like ipaddr.js does for canonical input', () => {
    const r = rng(1);
    for (let i = 0; i < 2000; i++) {
      const ip = randomV4(r);
      const bytes = ipaddr.IPv4.parse(ip).toByteArray();
      expect(parseIpv4Number(ip)).toBe(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
    }
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '01.2.3.4567', '', 'a.b.c.d', '1.2.3.4 ']) {
      expect(parseIpv4Number(bad)).toBe(-1);
    }
  });

  it('normalises IPv4 to IPv4-mapped IPv6 (mask + 96) and accepts first-last ranges', () => {
    const a = parseRange('10.0.0.0/8')!;
    expect(a.start).toEqual([0, 0, 0xffff, 0x0a000000]);
    expect(a.end).toEqual([0, 0, 0xffff, 0x0affffff]);
    expect(parseRange('192.0.2.10-192.0.2.20')).toEqual({ start: [0, 0, 0xffff, 0xc000020a], end: [0, 0, 0xffff, 0xc0000214] });
    expect(parseRange('nonsense')).toBeUndefined();
    expect(parseRange('192.0.2.20-192.0.2.10')).toBeUndefined();
  });

  it('agrees with a naive ipaddr.js scan for random nested and overlapping ranges', () => {
    const r = rng(42);
    const ranges: { cidr: string; value: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const bits = 4 + Math.floor(r() * 29);
      const [net] = ipaddr.parseCIDR(`${randomV4(r)}/${bits}`);
      // Normalise to the network address so the oracle and the table read the same range.
      const cidr = `${ipaddr.IPv4.networkAddressFromCIDR(`${net.toString()}/${bits}`).toString()}/${bits}`;
      ranges.push({ cidr, value: i });
    }
    for (let i = 0; i < 100; i++) {
      const bits = 32 + Math.floor(r() * 97);
      const cidr = `${ipaddr.IPv6.networkAddressFromCIDR(`${randomV6(r)}/${bits}`).toString()}/${bits}`;
      ranges.push({ cidr, value: 1000 + i });
    }
    ranges.push({ cidr: '0.0.0.0/0', value: 9999 });
    const table = IpRangeTable.build(ranges.map((x) => ({ range: x.cidr, value: x.value })));
    expect(table.rejected).toEqual([]);
    const probes: string[] = [];
    for (let i = 0; i < 3000; i++) probes.push(randomV4(r));
    // Probe range edges too: first, last, and just outside.
    for (const x of ranges.slice(0, 400)) {
      const [net, bits] = ipaddr.parseCIDR(x.cidr);
      probes.push(net.toString(), ipaddr.IPv4.broadcastAddressFromCIDR(`${net.toString()}/${bits}`).toString());
    }
    for (let i = 0; i < 1000; i++) probes.push(randomV6(r));
    const parsed = ranges.map((x) => {
      const [net, bits] = ipaddr.parseCIDR(x.cidr);
      return { net, bits, value: x.value };
    });
    for (const ip of probes) {
      expect([...table.lookup(ip)], ip).toEqual(naive(parsed, ip));
    }
  });

  it('answers IPv4-mapped IPv6 text like the IPv4 address and rejects garbage', () => {
    const table = IpRangeTable.build([
      { range: '198.51.100.0/24', value: 'doc' },
      { range: '2001:db8::/32', value: 'v6' },
      { range: 'bogus', value: 'x' },
    ]);
    expect(table.lookup('::ffff:198.51.100.7')).toEqual(['doc']);
    expect(table.lookup('198.51.100.7')).toEqual(['doc']);
    expect(table.lookup('2001:db8::1')).toEqual(['v6']);
    expect(table.lookup('2001:db9::1')).toEqual([]);
    expect(table.lookup('not an ip')).toEqual([]);
    expect(table.rejected.map((e) => e.value)).toEqual(['x']);
    expect(IpRangeTable.build([]).lookup('192.0.2.1')).toEqual([]);
  });
});

describe('hand-written IPv6 parsing', () => {
  /** ipaddr.js is the authority: its words, or undefined when it rejects the text. */
  function oracle(text: string): number[] | undefined {
    let p: number[];
    try {
      p = ipaddr.IPv6.parse(text).parts;
    } catch {
      return undefined;
    }
    return [0, 2, 4, 6].map((i) => ((p[i]! << 16) | p[i + 1]!) >>> 0);
  }

  it('agrees with ipaddr.js on random, compressed, mixed-case, dotted-quad and malformed text', () => {
    const r = rng(66);
    const samples = [
      '::',
      '::1',
      '1::',
      '1:2:3:4:5:6:7::',
      '::2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      ':1::2',
      '1::2:',
      '2001:DB8::A',
      '::ffff:192.0.2.1',
      '64:ff9b::198.51.100.7',
      '1:2:3:4:5:6:1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::1.2.3',
      '::256.1.1.1',
      '12345::1',
      '0001:0002::',
      'fe80::1%eth0',
      'g::1',
      ':',
      '',
      '1:2:3:4:5:6:7::8',
    ];
    const hex = (): string => Math.floor(r() * 65536).toString(16);
    for (let i = 0; i < 3000; i++) {
      const groups = Array.from({ length: 8 }, hex);
      const zeroFrom = Math.floor(r() * 8);
      const zeroLen = Math.floor(r() * (9 - zeroFrom));
      let text = groups.join(':');
      if (zeroLen > 0) text = `${groups.slice(0, zeroFrom).join(':')}::${groups.slice(zeroFrom + zeroLen).join(':')}`;
      if (r() < 0.2) text = text.toUpperCase();
      if (r() < 0.1) text = text.replace(/:[^:]*$/, `:${randomV4(r)}`);
      if (r() < 0.1) text = text.slice(0, Math.floor(r() * text.length));
      samples.push(text);
    }
    let fastHits = 0;
    for (const text of samples) {
      const want = oracle(text);
      const fast = parseIpv6Fast(text);
      if (fast) {
        fastHits++;
        expect(fast, text).toEqual(want);
      }
      if (parseIpv4Number(text) < 0) expect(parseAddressWords(text), text).toEqual(want);
    }
    expect(fastHits).toBeGreaterThan(2500);
  });
});
