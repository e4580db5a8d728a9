/**
 * Endpoint signing secrets. The server must sign with them, so they are kept recoverably — but
 * never in the clear: each is sealed with AES-256-GCM under a key that is not in the database
 * (FOLIO_WEBHOOK_SECRET_KEY, or a key file created on first use with mode 0600), so a dump or a
 * backup of the database alone reveals none. The sealed form names the key it was sealed with (a
 * hash prefix), so a server given the wrong key says so instead of signing garbage.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { config, sealingKey } from '../config.ts';

const KEY_BYTES = 32;
const holder = globalThis as typeof globalThis & { __folioWebhookKey?: Buffer };

/** `whsec_` and 32 random bytes in base64: the Standard Webhooks secret format. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The key from the environment, else from the key file (created, readable by this user only, if missing). */
function key(): Buffer {
  if (holder.__folioWebhookKey) return holder.__folioWebhookKey;
  if (config.webhookSecretKey) return (holder.__folioWebhookKey = config.webhookSecretKey);
  const file = config.webhookKeyFile;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // 'wx': only one of several processes starting together creates it; the others read it.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (holder.__folioWebhookKey = sealingKey(file, readFileSync(file, 'utf8')));
}

const keyId = (k: Buffer) => createHash('sha256').update(k).digest('base64url').slice(0, 8);

/** `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function seal(secret: string): string {
  const k = key();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', keyId(k), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

export function unseal(stored: string): string {
  const [version, id, iv, tag, sealed] = stored.split('.');
  const k = key();
  if (version !== 'v1' || !iv || !tag || !sealed) throw new Error('a webhook secret is stored in an unknown form');
  if (id !== keyId(k)) throw new Error('webhook secrets were sealed with another key than this server has (FOLIO_WEBHOOK_SECRET_KEY or its key file)');
  const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}
