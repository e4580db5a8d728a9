/**
 * Where deliveries may go. A webhook URL is chosen by a user, and the server calls it: without
 * rules, a URL naming 127.0.0.1, a private network or a cloud metadata service (169.254.169.254)
 * would make Folio a proxy into its own network (SSRF). So only public unicast addresses are
 * called — checked when an endpoint is saved and again as each delivery connects, on the address
 * the name resolved to then (a name that changes its answer, DNS rebinding, is caught where it
 * matters). FOLIO_WEBHOOK_ALLOW_HOSTS lists exceptions (host names, addresses or CIDR ranges) for
 * development and tests. Address classes come from ipaddr.js's range tables.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { config } from '../config.ts';

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

const allowedNames = new Set(config.webhookAllowHosts.filter((entry) => !ipaddr.isValid(entry.split('/')[0]!)));
const allowedRanges: [Parsed, number][] = config.webhookAllowHosts
  .filter((entry) => ipaddr.isValid(entry.split('/')[0]!))
  .map((entry) => (entry.includes('/') ? ipaddr.parseCIDR(entry) : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as [Parsed, number])(ipaddr.parse(entry))));

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Whether Folio may connect to this address: public unicast, or listed in FOLIO_WEBHOOK_ALLOW_HOSTS. */
export function addressAllowed(address: string): boolean {
  let parsed: Parsed = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is 10.0.0.1.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (allowedRanges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return true;
  // The deprecated IPv4-compatible form (::a9fe:a9fe is ::169.254.169.254), which ipaddr.js calls unicast.
  if (parsed.kind() === 'ipv6' && parsed.match(IPV4_COMPATIBLE)) return false;
  // Everything but plain unicast: loopback, private, link-local (metadata), shared (CGNAT),
  // multicast, reserved, and the IPv6 forms that carry an IPv4 address inside (6to4, Teredo, NAT64).
  return parsed.range() === 'unicast';
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

export type Refusal = 'invalid' | 'address_refused';

/**
 * The check as an endpoint is saved: a valid http(s) URL whose host is not — and does not resolve
 * to — an address Folio may not call. A name that does not resolve (yet) is accepted: each
 * delivery resolves it again and records `dns_failed` if it still cannot.
 */
export async function checkUrl(raw: string): Promise<Refusal | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'invalid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'invalid';
  const host = hostOf(url);
  if (!host || allowedNames.has(host)) return undefined;
  if (isIP(host)) return addressAllowed(host) ? undefined : 'address_refused';
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    return addresses.every((a) => addressAllowed(a.address)) ? undefined : 'address_refused';
  } catch {
    return undefined;
  }
}

/** An address that may not be called, raised from the connection's name lookup. */
export class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED_BY_FOLIO';
}

/**
 * The lookup each delivery's connection uses (node:http's `lookup` option): the system's answer,
 * refused whole if any address is one Folio may not call — so what is checked is what is used.
 */
export function guardedLookup(host: string, allowAnyAddress: boolean) {
  return (hostname: string, options: LookupAllOptions | object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (!allowAnyAddress && !addresses.every((a) => addressAllowed(a.address))) {
        return callback(new AddressRefusedError(`${host} resolves to an address Folio may not call`), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** For a delivery: the host's own check when it is an address (no lookup happens for those), and whether its name is allowed outright. */
export function destinationOf(url: URL): { literalRefused: boolean; nameAllowed: boolean } {
  const host = hostOf(url);
  const nameAllowed = allowedNames.has(host);
  return { literalRefused: Boolean(isIP(host)) && !nameAllowed && !addressAllowed(host), nameAllowed };
}
