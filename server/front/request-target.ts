/**
 * The request target as Node hands it over (RFC 9112 §3.2): origin-form `/path?query` as a rule,
 * absolute-form `http://host/path` from clients that speak to Folio as to a proxy, asterisk-form
 * `*` for a server-wide OPTIONS, authority-form `host:port` for CONNECT.
 */

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * Absolute-form → origin-form. Folio serves one origin, so the authority in the target is dropped:
 * Next.js would otherwise answer with a redirect to it, i.e. to another host.
 */
export function originForm(target: string): string {
  if (!ABSOLUTE_FORM.test(target)) return target;
  const rest = target.replace(ABSOLUTE_FORM, '');
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The path of a target with dot segments resolved and percent-escapes kept as they are. */
export function pathOf(target: string): string {
  return new URL(`http://localhost${target.startsWith('/') ? target : `/${target}`}`).pathname;
}

/** Whether a path segment's percent-escapes do not decode to UTF-8 (`%ff`, `%`, `%e2%82`). */
export function undecodable(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return false;
  } catch {
    return true;
  }
}
