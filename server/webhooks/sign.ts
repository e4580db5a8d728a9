/**
 * Standard Webhooks signing: `v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed with
 * the secret's bytes (after `whsec_`). One signature per secret, space-separated, during a rotation.
 */
import { createHmac } from 'node:crypto';

export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((secret) => `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}
