// Counters and the injected fault of one local endpoint, shared by its request handlers and the
// control routes (`/_stack/*`).
import type { EndpointStats } from './endpoint-types';
import { type Fault, NO_FAULT } from './fault-request';

export interface EndpointStateOptions {
  /**
   * Whether `/_stack/fault` takes `"requests": n`, a fault for the next n requests only (Upstash).
   * @default false
   */
  countedFaults?: boolean;
  /**
   * Whether setting `hang` again keeps holding what the previous `hang` holds (Upstash), rather
   * than letting it go as any other change of fault does (Neon). @default false
   */
  rehangKeepsHeld?: boolean;
}

/** What `/_stack/*` reads and sets. */
export class EndpointState {
  readonly countedFaults: boolean;
  readonly #rehangKeepsHeld: boolean;
  #stats: EndpointStats = { requests: 0, commands: 0, connections: 0 };
  #fault: Fault = NO_FAULT;
  /** Requests the fault still applies to; then the endpoint is healthy again (Infinity: until changed). */
  #requestsLeft = Infinity;
  // What `slow` holds back and what `hang` holds open, each with the function that lets it go.
  readonly #late = new Set<() => void>();
  readonly #hanging = new Set<() => void>();

  constructor(options: EndpointStateOptions = {}) {
    this.countedFaults = options.countedFaults ?? false;
    this.#rehangKeepsHeld = options.rehangKeepsHeld ?? false;
  }

  /** The fault as set (a counted fault that ran out still shows until the next request is admitted). */
  get fault(): Fault {
    return this.#fault;
  }

  /**
   * Switches the fault; what the previous one held is let go (`slow`: answered, `hang`: closed,
   * unless `rehangKeepsHeld` and the new mode is `hang` again).
   */
  setFault(fault: Fault): void {
    this.#fault = fault;
    this.#requestsLeft = fault.requests;
    release(this.#late);
    if (!(this.#rehangKeepsHeld && fault.mode === 'hang')) release(this.#hanging);
  }

  /**
   * Counts an HTTP request and returns the fault it is served under. A counted fault ends by
   * itself once spent; what it held stays held (a lost call stays lost).
   */
  admit(): Fault {
    this.count('requests');
    if (this.#fault.mode !== 'none' && this.#requestsLeft-- <= 0) this.#fault = NO_FAULT;
    return this.#fault;
  }

  count(counter: keyof EndpointStats, by = 1): void {
    this.#stats[counter] += by;
  }

  stats(): EndpointStats {
    return { ...this.#stats };
  }

  /** Zeroes the counters and clears the fault. */
  reset(): void {
    this.#stats = { requests: 0, commands: 0, connections: 0 };
    this.setFault(NO_FAULT);
  }

  /**
   * Keeps a request or connection open without answering it, under `hang`, until the fault
   * changes or the endpoint closes, when `release` runs. Returns the function to call when it
   * ended on its own.
   */
  holdHanging(release: () => void): () => void {
    this.#hanging.add(release);
    return () => this.#hanging.delete(release);
  }

  /** Holds back an answer under `slow` (for `sendLate`): `release` sends it when the fault changes. */
  readonly holdLate = (release: () => void): (() => void) => {
    this.#late.add(release);
    return () => this.#late.delete(release);
  };

  /** Lets go of everything held (the endpoint closes). */
  releaseHeld(): void {
    release(this.#late);
    release(this.#hanging);
  }
}

function release(held: Set<() => void>): void {
  const releases = [...held];
  held.clear();
  for (const run of releases) run();
}
