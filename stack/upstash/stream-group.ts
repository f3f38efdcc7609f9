// Consumer groups of a stream (Redis 7's streamCG): the last delivered id, the read counter
// behind XINFO's lag, the pending entries list (PEL) and the consumers, each with its own PEL.

import type { Stream } from './stream';
import { compareIds, formatId, isZeroId, type StreamId } from './stream-id';

/** A delivered, not yet acknowledged entry. */
export interface PendingEntry {
  id: StreamId;
  /** Null only for an entry XCLAIM FORCE just created. */
  consumer: Consumer | null;
  deliveryTime: number;
  deliveryCount: number;
}

export interface Consumer {
  name: string;
  pending: Map<string, PendingEntry>;
  seenTime: number;
}

export interface ConsumerGroup {
  lastId: StreamId;
  /** Entries read so far; -1 when unknown (Redis's SCG_INVALID_ENTRIES_READ). */
  entriesRead: number;
  pending: Map<string, PendingEntry>;
  consumers: Map<string, Consumer>;
}

export const INVALID_ENTRIES_READ = -1;

export function createGroup(lastId: StreamId, entriesRead: number): ConsumerGroup {
  return { lastId, entriesRead, pending: new Map(), consumers: new Map() };
}

/** Names in the order of Redis's radix trees: by bytes. */
export function byName<T>(map: Map<string, T>): Array<[string, T]> {
  return [...map].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** A PEL in id order. */
export function byId(pending: Map<string, PendingEntry>): PendingEntry[] {
  return [...pending.values()].sort((a, b) => compareIds(a.id, b.id));
}

export const pendingKey = formatId;

export function createConsumer(group: ConsumerGroup, name: string): Consumer {
  const consumer: Consumer = { name, pending: new Map(), seenTime: Date.now() };
  group.consumers.set(name, consumer);
  return consumer;
}

/** The consumer, seen now (streamLookupConsumer without SLC_NO_REFRESH), made when missing. */
export function activeConsumer(group: ConsumerGroup, name: string): Consumer {
  const consumer = group.consumers.get(name);
  if (!consumer) return createConsumer(group, name);
  consumer.seenTime = Date.now();
  return consumer;
}

/** Removes an entry from the group's PEL and its consumer's. */
export function forgetPending(group: ConsumerGroup, entry: PendingEntry): void {
  group.pending.delete(pendingKey(entry.id));
  entry.consumer?.pending.delete(pendingKey(entry.id));
}

/** Gives a pending entry to `consumer`. */
export function assignPending(entry: PendingEntry, consumer: Consumer): void {
  if (entry.consumer === consumer) return;
  entry.consumer?.pending.delete(pendingKey(entry.id));
  consumer.pending.set(pendingKey(entry.id), entry);
  entry.consumer = consumer;
}

/** Whether an entry between `start` and the end may have been deleted (streamRangeHasTombstones). */
export function rangeHasTombstones(stream: Stream, start: StreamId): boolean {
  if (stream.entries.length === 0 || isZeroId(stream.maxDeletedId)) return false;
  if (compareIds(stream.firstId, stream.maxDeletedId) > 0) return false;
  return compareIds(start, stream.maxDeletedId) <= 0;
}

/** How many entries were added up to `id`, when that can be known (streamEstimateDistanceFromFirstEverEntry). */
export function entriesReadUpTo(stream: Stream, id: StreamId): number {
  if (stream.entriesAdded === 0) return 0;
  const length = stream.entries.length;
  if (length === 0 && compareIds(id, stream.lastId) < 1) return stream.entriesAdded;
  const toLast = compareIds(id, stream.lastId);
  if (toLast === 0) return stream.entriesAdded;
  if (toLast > 0) return INVALID_ENTRIES_READ;
  const toFirst = compareIds(id, stream.firstId);
  if (isZeroId(stream.maxDeletedId) || compareIds(stream.maxDeletedId, stream.firstId) < 0) {
    if (toFirst < 0) return stream.entriesAdded - length;
    if (toFirst === 0) return stream.entriesAdded - length + 1;
  }
  return INVALID_ENTRIES_READ;
}

/** The group's lag, null when it cannot be known (streamReplyWithCGLag). */
export function groupLag(stream: Stream, group: ConsumerGroup): number | null {
  if (stream.entriesAdded === 0) return 0;
  if (group.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(stream, group.lastId)) {
    return stream.entriesAdded - group.entriesRead;
  }
  const read = entriesReadUpTo(stream, group.lastId);
  return read === INVALID_ENTRIES_READ ? null : stream.entriesAdded - read;
}

/** A delivery moves the group's last id forward and keeps its read counter when it can. */
export function recordDelivery(stream: Stream, group: ConsumerGroup, id: StreamId): void {
  if (compareIds(id, group.lastId) <= 0) return;
  if (group.entriesRead !== INVALID_ENTRIES_READ && !rangeHasTombstones(stream, id)) group.entriesRead++;
  else if (stream.entriesAdded) group.entriesRead = entriesReadUpTo(stream, id);
  group.lastId = id;
}
