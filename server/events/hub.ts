/**
 * Live fan-out of the event log to this process's streams. One listening connection per process,
 * never one per client: PostgreSQL's LISTEN on a dedicated client (PGlite's own listen() on the
 * embedded database). A notification only says "something was logged"; the hub then reads the log
 * once from where it last read and hands each new event to every subscriber, which keeps what its
 * caller may see. A slow poll covers notifications lost while the listener reconnects.
 */
import pg from 'pg';
import { config } from '../config.ts';
import { db, embeddedDatabase } from '../db/index.ts';
import { log } from '../log.ts';
import { CHANNEL, head, positionOf, readEvents, type EventRow } from './log.ts';
import type { Position } from './position.ts';

export type Subscriber = (row: EventRow) => void;

const POLL_MS = 5000;
const BATCH = 500;

class EventHub {
  readonly #subscribers = new Set<Subscriber>();
  #position: Position | undefined;
  #starting: Promise<void> | undefined;
  #stopListening: (() => Promise<void>) | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #reading = false;
  #again = false;
  /** Bumped when the hub stops: a read still under way from before hands nothing out and moves nothing. */
  #generation = 0;

  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * Adds a subscriber and returns the place in the log it starts after: every event past it will
   * reach the subscriber, and none before it. (Registration and the place are taken in one step,
   * so a catch-up read up to that place, then the live events, has no gap and no duplicate.)
   */
  async subscribe(subscriber: Subscriber): Promise<{ from: Position; unsubscribe: () => void }> {
    this.#starting ??= this.#start().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    await this.#starting;
    this.#subscribers.add(subscriber);
    return { from: this.#position!, unsubscribe: () => this.#remove(subscriber) };
  }

  /** Reads what was logged since the last read and hands it out; a wake during a read reads again after it. */
  wake(): void {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    void this.#drain()
      .catch((error: unknown) => log.warn({ err: error }, 'event hub: reading the log failed; the next notification or poll retries'))
      .finally(() => {
        this.#reading = false;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #drain() {
    const generation = this.#generation;
    for (;;) {
      if (!this.#position) return;
      const rows = await readEvents(db(), { after: this.#position, limit: BATCH });
      if (generation !== this.#generation) return;
      for (const row of rows) {
        for (const subscriber of this.#subscribers) subscriber(row);
        this.#position = positionOf(row);
      }
      if (rows.length < BATCH) return;
    }
  }

  async #start() {
    this.#position = await head(db());
    this.#stopListening = await listen(() => this.wake());
    this.#poll = setInterval(() => this.wake(), POLL_MS);
  }

  #remove(subscriber: Subscriber) {
    this.#subscribers.delete(subscriber);
    if (this.#subscribers.size > 0 || !this.#starting) return;
    // The last stream went: nothing to listen for until the next one. (Taken now, so that a
    // stream arriving meanwhile starts afresh and is never stopped by this.)
    const starting = this.#starting;
    this.#starting = undefined;
    this.#generation++;
    void starting.then(() => {
      const [poll, stop] = [this.#poll, this.#stopListening];
      [this.#poll, this.#stopListening, this.#position] = [undefined, undefined, undefined];
      clearInterval(poll);
      return stop?.();
    });
  }
}

/** LISTENs for the log's announcements, reconnecting after a loss; returns how to stop. */
async function listen(onNotify: () => void): Promise<() => Promise<void>> {
  const embedded = embeddedDatabase();
  if (embedded) return (await embedded).listen(CHANNEL, onNotify);
  let client: pg.Client | undefined;
  let stopped = false;
  const retry = () => {
    if (!stopped) setTimeout(() => void connect(), 1000).unref();
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 2000 });
    next.on('notification', onNotify);
    next.on('error', (error) => {
      log.warn({ err: error }, 'event listener connection lost; reconnecting');
      void next.end().catch(() => undefined);
      retry();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      log.warn({ err: error }, 'event listener could not connect; polling until it can');
      void next.end().catch(() => undefined);
      retry();
      return;
    }
    if (stopped) return void next.end().catch(() => undefined);
    client = next;
    onNotify(); // whatever was logged while no one listened
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

// One hub per process, kept on globalThis like the database (Next.js may load this module twice).
const holder = globalThis as typeof globalThis & { __folioEventHub?: EventHub };

export function eventHub(): EventHub {
  holder.__folioEventHub ??= new EventHub();
  return holder.__folioEventHub;
}
