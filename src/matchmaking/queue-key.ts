/**
 * Queue names and entry ids. A queue is one Durable Object per game, queue mode, seat count and shard:
 * "<game>.<mode>.<seats>.<shard>". Every queue has one shard today (shard 0); the index is in the name so
 * a hot queue can later be split without renaming the others. An entry id (the ticketId) starts with
 * its queue's name, so the worker can route a socket or a cancel to the right object without a lookup;
 * the random tail makes it unguessable.
 */
export const QUEUE_SHARDS = 1;

export function queueKey(game: string, mode: string, seats: number, shard = 0): string {
  return `${game}.${mode}.${seats}.${shard}`;
}

const TICKET_ID = /^([a-z0-9][a-z0-9-]{0,31}\.(?:ranked|casual)\.\d{1,2}\.\d{1,3})\.[A-Za-z0-9_-]{22}$/;

/** The queue an entry id belongs to, or null for anything that is not an entry id. */
export function queueOfTicket(ticketId: string): string | null {
  return TICKET_ID.exec(ticketId)?.[1] ?? null;
}
