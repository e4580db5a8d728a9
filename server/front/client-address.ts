/**
 * The client's address. Each proxy appends the address it was reached from to X-Forwarded-For, so
 * read from the right, the chain is: the socket's peer, then what each proxy saw. Behind `hops`
 * trusted proxies the client is the entry the outermost trusted one appended; entries to its left
 * were written by the client itself and prove nothing (rotating them must not make a new client).
 * This is Express's "trust proxy" hop count: with fewer entries than hops, the leftmost is taken.
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, hops: number): string {
  const entries = [forwardedFor ?? []]
    .flat()
    .join(',')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [socketAddress || 'unknown', ...entries.reverse()];
  return chain[Math.min(hops, chain.length - 1)]!;
}
