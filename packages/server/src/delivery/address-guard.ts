/**
 * SSRF guard: outbound deliveries may only reach public unicast addresses. `checkHost` answers up front
 * (endpoint validation, error messages); `guardedLookup` is the connect-time check that a socket actually
 * uses, so a name that resolves to a public address at validation time and to 127.0.0.1 later (DNS
 * rebinding) is still refused.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { promises as dns } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const BLOCKED_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, including the 169.254.169.254 metadata service
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including 255.255.255.255 broadcast
];

// Only 2000::/3 holds global unicast; the three subnets outside it cover ::1, ::, fc00::/7 (which includes
// the fd00:ec2::254 metadata address), fe80::/10, multicast and everything unassigned. IPv6 forms that
// embed an IPv4 address are unwrapped before this list is consulted.
const BLOCKED_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 3],
  ['4000::', 2],
  ['8000::', 1],
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
];

const blockedV4 = new BlockList();
for (const [network, prefix] of BLOCKED_V4) blockedV4.addSubnet(network, prefix, 'ipv4');
const blockedV6 = new BlockList();
for (const [network, prefix] of BLOCKED_V6) blockedV6.addSubnet(network, prefix, 'ipv6');

/** True only for a public unicast address; false for anything private, reserved, special or not an IP. */
export function isPublicAddress(ip: string): boolean {
  const zone = ip.indexOf('%');
  const address = zone === -1 ? ip : ip.slice(0, zone);
  const family = isIP(address);
  if (family === 4) return !blockedV4.check(address, 'ipv4');
  if (family !== 6) return false;

  const words = ipv6Words(address);
  if (words === null) return false;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = words as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zeroPrefix = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d (not :: or ::1) and NAT64 64:ff9b::a.b.c.d.
  if (zeroPrefix && w5 === 0xffff) return isPublicAddress(ipv4FromWords(w6, w7));
  if (zeroPrefix && w5 === 0) return w6 === 0 && w7 <= 1 ? false : isPublicAddress(ipv4FromWords(w6, w7));
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
    return isPublicAddress(ipv4FromWords(w6, w7));
  }
  if (w0 === 0x2002) return isPublicAddress(ipv4FromWords(w1, w2)); // 6to4
  return !blockedV6.check(address, 'ipv6');
}

function ipv4FromWords(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The eight 16-bit groups of an address already validated by `isIP`. */
function ipv6Words(address: string): number[] | null {
  let text = address;
  if (text.includes('.')) {
    // Rewrite a dotted IPv4 tail ("::ffff:1.2.3.4") as two hex groups so one split handles every form.
    const cut = text.lastIndexOf(':') + 1;
    const [a = 0, b = 0, c = 0, d = 0] = text.slice(cut).split('.').map(Number);
    text = `${text.slice(0, cut)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const gap = text.indexOf('::');
  if (gap === -1) {
    const words = groups(text);
    return words.length === 8 ? words : null;
  }
  const head = groups(text.slice(0, gap));
  const tail = groups(text.slice(gap + 2));
  const missing = 8 - head.length - tail.length;
  return missing < 1 ? null : [...head, ...new Array<number>(missing).fill(0), ...tail];
}

export type HostCheck =
  | { ok: true; addresses: string[] }
  | { ok: false; reason: 'blocked' | 'unresolvable'; detail: string };

/** Resolves `hostname` (or judges an IP literal) and refuses it if any address is not public. */
export async function checkHost(hostname: string, options: { allowPrivate: boolean }): Promise<HostCheck> {
  const host = stripBrackets(hostname);
  if (host === '') return { ok: false, reason: 'unresolvable', detail: 'empty host name' };
  if (isIP(host) !== 0) {
    if (options.allowPrivate || isPublicAddress(host)) return { ok: true, addresses: [host] };
    return { ok: false, reason: 'blocked', detail: `${host} is not a public address` };
  }
  let resolved: LookupAddress[];
  try {
    resolved = await dns.lookup(host, { all: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, reason: 'unresolvable', detail: `cannot resolve ${host} (${code})` };
  }
  if (resolved.length === 0) {
    return { ok: false, reason: 'unresolvable', detail: `cannot resolve ${host} (no addresses)` };
  }
  const addresses = resolved.map((entry) => entry.address);
  if (!options.allowPrivate) {
    const bad = addresses.find((address) => !isPublicAddress(address));
    if (bad !== undefined) {
      return {
        ok: false,
        reason: 'blocked',
        detail: `${host} resolves to ${bad}, which is not a public address`,
      };
    }
  }
  return { ok: true, addresses };
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export const ADDRESS_BLOCKED = 'EADDRBLOCKED';

export interface AddressBlockedError extends NodeJS.ErrnoException {
  code: typeof ADDRESS_BLOCKED;
  hostname: string;
  address: string;
}

export function addressBlockedError(hostname: string, address: string): AddressBlockedError {
  const message =
    hostname === address
      ? `refused to connect to ${address}: not a public address`
      : `refused to connect to ${hostname} (${address}): not a public address`;
  return Object.assign(new Error(message), {
    code: ADDRESS_BLOCKED,
    hostname,
    address,
  }) as AddressBlockedError;
}

/**
 * A `lookup` for `net.connect`/`tls.connect` that fails with code EADDRBLOCKED when any resolved address
 * is not public. Works for both calling conventions (`all: true`, which Node uses for happy-eyeballs
 * family selection, and a single address).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  if (allowPrivate) return dnsLookup as LookupFunction;
  return (hostname: string, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', undefined);
      for (const entry of addresses) {
        if (!isPublicAddress(entry.address))
          return callback(addressBlockedError(hostname, entry.address), '', undefined);
      }
      const first = addresses[0];
      if (first === undefined) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, '', undefined);
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
