// A stream copied whole for COPY: entries, nodes, counters and groups, sharing nothing with the
// original (a pending entry is one object in its group's PEL and its consumer's, here as there).
import type { Stream, StreamNode } from './stream';
import type { Consumer, ConsumerGroup, PendingEntry } from './stream-group';

export function cloneStream(original: Stream): Stream {
  const nodes = new Map<StreamNode, StreamNode>(original.nodes.map((node) => [node, { ...node }]));
  const groups = new Map<string, ConsumerGroup>();
  for (const [name, group] of original.groups) {
    const consumers = new Map<Consumer, Consumer>();
    for (const consumer of group.consumers.values()) {
      consumers.set(consumer, { name: consumer.name, pending: new Map(), seenTime: consumer.seenTime });
    }
    const pending = new Map<string, PendingEntry>();
    for (const [key, nack] of group.pending) {
      const owner = nack.consumer ? consumers.get(nack.consumer)! : null;
      const copy = { ...nack, consumer: owner };
      pending.set(key, copy);
      owner?.pending.set(key, copy);
    }
    const byName = new Map([...consumers.values()].map((consumer) => [consumer.name, consumer]));
    groups.set(name, { lastId: group.lastId, entriesRead: group.entriesRead, pending, consumers: byName });
  }
  return {
    ...original,
    // A node a trim emptied without removing it is in no entry; it stays in the copy's nodes.
    entries: original.entries.map((entry) => ({ ...entry, node: nodes.get(entry.node)! })),
    nodes: [...nodes.values()],
    groups,
  };
}
