// The stored form of an IP range's subnets: the Cloud Apps API shows it (reference §6.5) and the
// log engine builds its lookup tables from it, so it lives with the engine.
import ipaddr from 'ipaddr.js';

/** One entry of a range's `subnets`, as the service returns it (reference §6.5). */
export interface NormalisedSubnet {
  mask: number;
  address: string;
  originalString: string;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/**
 * `10.0.0.0/8` -> {mask: 104, address: "0000:0000:0000:0000:0000:ffff:0a00:0000"}: IPv4 as an
 * IPv4-mapped IPv6 network address with the prefix + 96, IPv6 expanded to eight groups; a bare
 * address is a /32 (/128). The host bits of the input are cleared, as the service does
 * (`197.198.192.20/16` -> `...:ffff:c5c6:0000`). Undefined when the text is not an address.
 */
export function normaliseSubnet(input: string): NormalisedSubnet | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    if (text.includes('/')) {
      // parseCIDR accepts only decimal prefixes within the family's width.
      if (!/\/\d{1,3}$/.test(text)) return undefined;
      [addr, bits] = ipaddr.parseCIDR(text);
    } else {
      addr = ipaddr.parse(text);
      bits = addr.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return undefined;
  }
  // Only canonical dotted quads: ipaddr.js also reads '10.1' or '0x0a.0.0.1' as IPv4.
  if (addr.kind() === 'ipv4' && !/^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(text)) return undefined;
  let parts: number[];
  let mask: number;
  if (addr.kind() === 'ipv4') {
    const b = (addr as ipaddr.IPv4).toByteArray();
    parts = [0, 0, 0, 0, 0, 0xffff, (b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    mask = bits + 96;
  } else {
    parts = [...(addr as ipaddr.IPv6).parts];
    mask = bits;
  }
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, mask - i * 16));
    parts[i] = parts[i]! & (keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff);
  }
  return { mask, address: parts.map(hex4).join(':'), originalString: input };
}

/** The normalised subnet as CIDR text for IpRangeTable (`::ffff:a00:0/104`). */
export function subnetCidr(s: NormalisedSubnet): string {
  return `${s.address}/${s.mask}`;
}
