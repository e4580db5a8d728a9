import type { Client } from 'openapi-fetch';
import type { paths } from './schema.js';

/** JSON bodies (`application/json`, `application/problem+json`); other representations, such as CSV, are read with `parseAs: 'text'`. */
export type JsonMedia = `${string}/${string}json`;

/** openapi-fetch's client over Folio's paths, as the client and its helpers use it. */
export type FetchClient = Client<paths, JsonMedia>;
