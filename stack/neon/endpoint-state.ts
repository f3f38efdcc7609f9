// Counters and the injected fault, shared by the SQL-over-HTTP handler, the WebSocket proxy
// and the control routes.
import type { EndpointStats } from '../contracts';
import { NO_FAULT, type Fault } from '../fault-request';

/** What `/_stack/*` reads and sets. */
export class EndpointState {
  #stats: EndpointStats = { requests: 0, commands: 0, connections: 0 };
  #fault: Fault = NO_FAULT;
  // What `hang` holds open and `slow` holds back, each with the function that lets it go.
  readonly #held = new Set<() => void>();

  get fault(): Fault {
    return this.#fault;
  }

  /** Switches the fault; whatever the previous one held is let go (`hang`: closed, `slow`: answered). */
  setFault(fault: Fault): void {
    this.#fault = fault;
    this.releaseHeld();
  }

  count(counter: keyof EndpointStats): void {
    this.#stats[counter] += 1;
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
   * Keeps something open without answering it until the fault changes or the endpoint closes,
   * when `release` runs. Returns the function to call when it ended on its own.
   */
  hold(release: () => void): () => void {
    this.#held.add(release);
    return () => this.#held.delete(release);
  }

  releaseHeld(): void {
    const held = [...this.#held];
    this.#held.clear();
    for (const release of held) release();
  }
}
