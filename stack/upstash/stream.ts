// A stream as Redis 7 keeps one: entries in id order, its counters (last id, entries added, first
// and largest deleted id), and its consumer groups (stream-group.ts). Redis stores entries in
// listpack nodes of at most 100 entries and 4096 bytes (stream-node-max-entries/-bytes); those
// nodes decide what approximate trimming (`~`) removes and what XINFO counts, so they are
// modelled here, sized as Redis's listpacks are (listpack-size.ts).

import { entryBytes, newNodeBytes } from './listpack-size';
import type { ConsumerGroup } from './stream-group';
import { compareIds, MIN_ID, type StreamId } from './stream-id';

export interface StreamEntry {
  id: StreamId;
  /** field, value, field, value, … */
  fields: string[];
  node: StreamNode;
}

/** One listpack: its first id (the radix tree key), entry counts and byte size. */
export interface StreamNode {
  masterId: StreamId;
  masterFields: string[];
  live: number;
  /** Entries flagged deleted but still in the listpack. */
  deleted: number;
  /** The last entry appended, deleted or not. */
  lastId: StreamId;
  bytes: number;
}

export interface Stream {
  entries: StreamEntry[];
  /** Nodes in id order. */
  nodes: StreamNode[];
  lastId: StreamId;
  /** 0-0 when empty. */
  firstId: StreamId;
  maxDeletedId: StreamId;
  entriesAdded: number;
  /** By name; listed in byte order of their names, as Redis's radix tree keeps them. */
  groups: Map<string, ConsumerGroup>;
}

const NODE_MAX_ENTRIES = 100;
const NODE_MAX_BYTES = 4096;

export function createStream(): Stream {
  return {
    entries: [],
    nodes: [],
    lastId: MIN_ID,
    firstId: MIN_ID,
    maxDeletedId: MIN_ID,
    entriesAdded: 0,
    groups: new Map(),
  };
}

/** The index of the first entry whose id is >= `id`. */
export function lowerBound(stream: Stream, id: StreamId): number {
  let [low, high] = [0, stream.entries.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareIds(stream.entries[middle]!.id, id) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function findEntry(stream: Stream, id: StreamId): StreamEntry | undefined {
  const entry = stream.entries[lowerBound(stream, id)];
  return entry && compareIds(entry.id, id) === 0 ? entry : undefined;
}

/** Entries from `start` to `end` inclusive, at most `count` (0: all), in reverse order if `reverse`. */
export function entriesBetween(
  stream: Stream,
  start: StreamId,
  end: StreamId,
  count: number,
  reverse: boolean,
): StreamEntry[] {
  if (compareIds(start, end) > 0) return [];
  const from = lowerBound(stream, start);
  let to = lowerBound(stream, end);
  if (stream.entries[to] && compareIds(stream.entries[to]!.id, end) === 0) to++;
  const range = stream.entries.slice(from, to);
  if (reverse) range.reverse();
  return count > 0 ? range.slice(0, count) : range;
}

/** Appends an entry whose id the caller checked is above the last one. */
export function appendEntry(stream: Stream, id: StreamId, fields: string[]): void {
  const valueBytes = fields.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  let node = stream.nodes.at(-1);
  if (node && (node.bytes + valueBytes >= NODE_MAX_BYTES || node.live + node.deleted >= NODE_MAX_ENTRIES)) {
    node = undefined;
  }
  if (!node) {
    const masterFields = fields.filter((_, i) => i % 2 === 0);
    node = { masterId: id, masterFields, live: 0, deleted: 0, lastId: id, bytes: newNodeBytes(masterFields) };
    stream.nodes.push(node);
  }
  node.bytes += entryBytes(node, id, fields);
  node.live++;
  node.lastId = id;
  stream.entries.push({ id, fields, node });
  stream.entriesAdded++;
  stream.lastId = id;
  if (stream.entries.length === 1) stream.firstId = id;
}

/** Flags an entry deleted in its node; a node left with no live entry goes. */
function removeFromNode(stream: Stream, entry: StreamEntry): void {
  const { node } = entry;
  if (node.live === 1) stream.nodes.splice(stream.nodes.indexOf(node), 1);
  else {
    node.live--;
    node.deleted++;
  }
}

/** XDEL of one id: true if it was there. Updates the largest deleted id, not the first id. */
export function deleteEntry(stream: Stream, id: StreamId): boolean {
  const index = lowerBound(stream, id);
  const entry = stream.entries[index];
  if (!entry || compareIds(entry.id, id) !== 0) return false;
  removeFromNode(stream, entry);
  stream.entries.splice(index, 1);
  if (compareIds(id, stream.maxDeletedId) > 0) stream.maxDeletedId = id;
  return true;
}

/** The first id after deletions: 0-0 for an empty stream. */
export function refreshFirstId(stream: Stream): void {
  stream.firstId = stream.entries[0]?.id ?? MIN_ID;
}

export interface TrimOptions {
  strategy: 'maxlen' | 'minid';
  maxLen: number;
  minId: StreamId;
  /** `~`: only whole nodes go. */
  approximate: boolean;
  /** At most this many entries go (0: no limit). */
  limit: number;
}

/** Redis's streamTrim: whole nodes from the head, then (unless approximate) entries of the next node. */
export function trimStream(stream: Stream, options: TrimOptions): number {
  const { strategy, maxLen, minId, approximate, limit } = options;
  let deleted = 0;
  while (stream.nodes.length > 0) {
    if (strategy === 'maxlen' && stream.entries.length <= maxLen) break;
    const node = stream.nodes[0]!;
    if (limit && deleted + node.live > limit) break;
    const removeNode =
      strategy === 'maxlen' ? stream.entries.length - node.live >= maxLen : compareIds(node.lastId, minId) < 0;
    if (removeNode) {
      // A node's live entries are the stream's first ones: every node before it is gone.
      stream.entries.splice(0, node.live);
      stream.nodes.shift();
      deleted += node.live;
      continue;
    }
    if (approximate) break;
    while (stream.entries[0]?.node === node) {
      const stop =
        strategy === 'maxlen' ? stream.entries.length <= maxLen : compareIds(stream.entries[0].id, minId) >= 0;
      if (stop) break;
      stream.entries.shift();
      node.live--;
      node.deleted++;
      deleted++;
    }
    break;
  }
  if (deleted > 0) refreshFirstId(stream);
  return deleted;
}

/**
 * The number of nodes of Redis's radix tree over the listpacks' 16-byte big-endian master ids,
 * for XINFO's radix-tree-nodes: one per compressed run of bytes, branch point and leaf.
 */
export function radixTreeNodes(stream: Stream): number {
  if (stream.nodes.length === 0) return 1;
  const keys = stream.nodes.map(({ masterId }) => {
    const key = Buffer.alloc(16);
    key.writeBigUInt64BE(masterId.ms, 0);
    key.writeBigUInt64BE(masterId.seq, 8);
    return key;
  });
  return countNodes(keys, 0);
}

function countNodes(keys: Buffer[], depth: number): number {
  if (depth === 16) return 1;
  let common = 0;
  while (depth + common < 16 && keys.every((key) => key[depth + common] === keys[0]![depth + common])) common++;
  if (common > 0) return 1 + countNodes(keys, depth + common);
  const byByte = new Map<number, Buffer[]>();
  for (const key of keys) byByte.set(key[depth]!, [...(byByte.get(key[depth]!) ?? []), key]);
  let total = 1;
  for (const group of byByte.values()) total += countNodes(group, depth + 1);
  return total;
}
