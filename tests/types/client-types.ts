/**
 * Type-level tests of @folio/client's options, checked by `npm run typecheck` (tsc, which reads the
 * client from client/src): what must compile compiles, and every `@ts-expect-error` must stay an error.
 */
import { createClient, type HeadersHook } from '@folio/client';

declare const token: string | undefined;
const baseUrl = 'http://localhost:3000';

// An auth hook that sets nothing when signed out, as an app writes it: async, or not.
createClient({ baseUrl, headers: async () => (token ? { Authorization: `Bearer ${token}` } : undefined) });
createClient({ baseUrl, headers: () => (token ? { Authorization: `Bearer ${token}` } : undefined) });
createClient({
  baseUrl,
  headers: async () => {
    if (token) return { Authorization: `Bearer ${token}` };
  },
});
// Every form of HeadersInit.
createClient({ baseUrl, headers: () => new Headers({ Authorization: 'Bearer folio_x' }) });
createClient({ baseUrl, headers: () => [['Authorization', 'Bearer folio_x']] });
const hook: HeadersHook = () => undefined;
createClient({ baseUrl, headers: hook });

// @ts-expect-error a hook returns headers, not a header's value
createClient({ baseUrl, headers: () => `Bearer ${token}` });

// @ts-expect-error header values are strings
createClient({ baseUrl, headers: async () => ({ 'X-Retry': 3 }) });

// @ts-expect-error the hook is called, not read: a headers object is not a hook
createClient({ baseUrl, headers: { Authorization: 'Bearer folio_x' } });
