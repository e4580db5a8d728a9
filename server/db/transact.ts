import type { Kysely, Transaction } from 'kysely';
import { isFailure } from '../failure.ts';
import type { Database } from './schema.ts';

/** Carries a returned failure out of Kysely's transaction, so that the transaction rolls back. */
class RolledBack {
  readonly result: unknown;
  constructor(result: unknown) {
    this.result = result;
  }
}

/**
 * Runs `work` in a transaction. What it returns is committed — unless it is a failure
 * (../failure.ts), which rolls the transaction back and is returned as it is. Inside a
 * transaction already, `work` joins it (the outer one decides).
 */
export async function transact<T>(conn: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (conn.isTransaction) return work(conn as Transaction<Database>);
  try {
    return await conn.transaction().execute(async (trx) => {
      const result = await work(trx);
      if (isFailure(result)) throw new RolledBack(result);
      return result;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.result as T;
    throw error;
  }
}
