/**
 * FOLIO_INBOUND_SOURCES: who may deliver webhooks to Folio, as JSON — each source's name (its
 * path, `/api/v1/inbound/<name>`), its scheme, and its secret or, while one rotates, secrets:
 *
 *   {"github":{"scheme":"github","secret":"…"},"billing":{"scheme":"stripe","secrets":["whsec_old","whsec_new"]}}
 *
 * Read once as the server starts; a mistake stops the start with a message that names the source
 * and what is wrong, never a secret.
 */
import { z } from 'zod';
import { INBOUND_SCHEMES, InboundSourceName, type InboundScheme } from '../../contracts/inbound/schemas.ts';
import { webhookSecretKey, WebhookVerificationError } from '../../client/src/webhooks.ts';

export interface InboundSource {
  name: string;
  scheme: InboundScheme;
  /** One or more (rotation): a signature made with any of them is accepted. */
  secrets: string[];
}

const Secret = z.string().min(1, 'a secret must not be empty');

const SourceConfig = z
  .strictObject({ scheme: z.enum(INBOUND_SCHEMES), secret: Secret.optional(), secrets: z.array(Secret).min(1).optional() })
  .refine((source) => (source.secret === undefined) !== (source.secrets === undefined), 'give either "secret" or "secrets"');

const SourcesConfig = z.record(InboundSourceName, SourceConfig);

function configError(message: string): Error {
  return new Error(`FOLIO_INBOUND_SOURCES: ${message}`);
}

export function parseInboundSources(raw: string | undefined): Map<string, InboundSource> {
  const sources = new Map<string, InboundSource>();
  if (raw === undefined || raw.trim() === '') return sources;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // JSON.parse's message quotes the text, secrets included.
    throw configError('not valid JSON (expected {"<name>": {"scheme": "github", "secret": "…"}, …})');
  }
  const parsed = SourcesConfig.safeParse(json);
  if (!parsed.success) {
    // Zod's messages name the expected shape, never the value received.
    throw configError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; '));
  }
  for (const [name, { scheme, secret, secrets }] of Object.entries(parsed.data)) {
    const all = secrets ?? [secret!];
    if (scheme === 'standard-webhooks') {
      for (const value of all) {
        try {
          webhookSecretKey(value);
        } catch (error) {
          if (error instanceof WebhookVerificationError) throw configError(`${name}: ${error.message}`);
          throw error;
        }
      }
    }
    sources.set(name, { name, scheme, secrets: all });
  }
  return sources;
}
