import { defineError } from '../shared/errors.ts';

export const inboundSourceNotFound = defineError({
  code: 'inbound_source_not_found',
  status: 404,
  title: 'No such inbound source',
  explanation: 'No source of webhooks by this name is configured on this Folio (its operator lists them in `FOLIO_INBOUND_SOURCES`).',
  remedy: 'Send the webhook to the URL the operator gave you: `/api/v1/inbound/<source>`, with the source’s name.',
});

export const invalidSignature = defineError({
  code: 'invalid_signature',
  status: 401,
  title: 'The webhook’s signature does not verify',
  explanation:
    'The signature the source’s scheme requires is missing or malformed, does not match the body with the configured secret, ' +
    'or its timestamp is outside the tolerance window (a possible replay). Nothing was recorded. `detail` says which; ' +
    '`WWW-Authenticate` names the scheme the source is configured for.',
  remedy:
    'Sign the body exactly as sent, with the secret the operator configured for this source, and send it promptly: ' +
    'check the sender’s webhook secret and the clock of the machine that signs.',
});
