import { BlockList, isIP } from 'node:net';

/**
 * Parses `address/prefix` (IPv4 or IPv6; a bare address means a single host). Returns null when it is not
 * a valid CIDR.
 */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** An IPv4 client seen through a dual-stack socket arrives as `::ffff:a.b.c.d`. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Whether the client address falls in any of the CIDRs (which were validated when saved). */
export function isAddressAllowed(address: string, cidrs: readonly string[]): boolean {
  const client = normaliseAddress(address);
  const family = isIP(client);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list.check(client, family === 4 ? 'ipv4' : 'ipv6');
}
