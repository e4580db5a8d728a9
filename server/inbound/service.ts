import type { z } from 'zod';
import { DeliveryId, InboundEventType, MAX_PAYLOAD_DEPTH, type InboundReceipt } from '../../contracts/inbound/schemas.ts';
import { db } from '../db/index.ts';
import type { InboundDeliveriesTable } from '../db/schema.ts';
import { transact } from '../db/transact.ts';
import { AppError } from '../errors.ts';
import { ADMINISTRATORS, recordEvent } from '../events/log.ts';
import { token, toFieldIssues, type FieldIssue } from '../http/issues.ts';
import { newId } from '../ids.ts';
import type { Selectable } from 'kysely';
import type { DeliveryFacts } from './schemes.ts';

type Receipt = z.input<typeof InboundReceipt>;

/**
 * What in the payload PostgreSQL cannot store: a NUL (U+0000), which JSON may spell (`"\u0000"`)
 * but jsonb refuses, and nesting deeper than MAX_PAYLOAD_DEPTH — each refused with 400 rather
 * than failing on insert (a number beyond a double is refused with every body: server/http/i-json.ts).
 * Walked with a stack of its own, depth first (recursion overflowed on a payload nested 20,000 deep: a 500).
 */
function unstorable(payload: unknown, root: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const nul = (pointer: string) => issues.push({ pointer, message: 'must not contain NUL (U+0000) characters' });
  const stack: [unknown, string, number][] = [[payload, root, 0]];
  // At most a hundred, as for any request's issues.
  for (let next = stack.pop(); next && issues.length < 100; next = stack.pop()) {
    const [value, pointer, depth] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) nul(pointer);
    } else if (typeof value === 'object' && value !== null) {
      if (depth === MAX_PAYLOAD_DEPTH) {
        issues.push({ pointer, message: `is nested more than ${MAX_PAYLOAD_DEPTH} deep` });
        continue;
      }
      const children: [unknown, string, number][] = [];
      for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
        const at = `${pointer}/${token(key)}`;
        if (String(key).includes('\u0000')) nul(at);
        children.push([item, at, depth + 1]);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return issues;
}

/** The delivery id and type of a verified delivery; a 400 when its id is missing or too long, or its payload unstorable. */
function readFacts(facts: DeliveryFacts, payload: Record<string, unknown>): { deliveryId: string; type: string | null } {
  const id = DeliveryId.safeParse(facts.deliveryId.value);
  const issues = id.success ? [] : toFieldIssues(id.error, facts.deliveryId.pointer);
  issues.push(...unstorable(payload, '/body'));
  if (issues.length > 0) throw new AppError('validation_failed', 'The delivery is signed, but Folio cannot record it: see errors.', { errors: issues });
  const type = InboundEventType.safeParse(facts.type ?? null);
  return { deliveryId: id.data!, type: type.success ? type.data : null };
}

const toReceipt = (row: Selectable<InboundDeliveriesTable>, duplicate: boolean): Receipt => ({
  id: row.id,
  source: row.source,
  delivery_id: row.delivery_id,
  type: row.type,
  received_at: row.received_at.toISOString(),
  duplicate,
});

/**
 * Records a verified delivery once: the first with its (source, delivery id) is stored and
 * announced as `inbound.received` (administrators only) in the same transaction; a repeat finds
 * the first and changes nothing. Concurrent repeats are safe: the unique index makes the second
 * insert wait for the first and then do nothing.
 */
export async function receive(source: string, facts: DeliveryFacts, payload: Record<string, unknown>): Promise<Receipt> {
  const { deliveryId, type } = readFacts(facts, payload);
  return transact(db(), async (trx) => {
    const inserted = await trx
      .insertInto('inbound_deliveries')
      .values({ id: newId('inb'), source, delivery_id: deliveryId, type, payload: JSON.stringify(payload), received_at: new Date() })
      .onConflict((conflict) => conflict.columns(['source', 'delivery_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      await recordEvent(trx, 'inbound.received', { inbound_id: inserted.id, source, delivery_id: deliveryId, type }, ADMINISTRATORS);
      return toReceipt(inserted, false);
    }
    const first = await trx
      .selectFrom('inbound_deliveries')
      .selectAll()
      .where('source', '=', source)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    return toReceipt(first, true);
  });
}

/** Deletes deliveries received before `olderThan` (their ids are then no longer recognised as repeats); returns how many. */
export async function sweepDeliveries(olderThan: Date): Promise<number> {
  const result = await db().deleteFrom('inbound_deliveries').where('received_at', '<', olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}
