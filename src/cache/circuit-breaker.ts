/**
 * Skips a failing dependency for a cool-down instead of paying its timeout on every request.
 * Closed → `failureThreshold` consecutive failures → open for `cooldownMs` → one trial call
 * (half-open) → closed on success, open again on failure.
 */
export class CircuitBreaker {
  #consecutiveFailures = 0;
  #openUntil = 0;
  #trialInFlight = false;

  constructor(
    readonly failureThreshold: number,
    readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a call may go through now. In half-open state only one trial call is let through. */
  allows(): boolean {
    if (this.#consecutiveFailures < this.failureThreshold) return true;
    if (this.now() < this.#openUntil || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.#consecutiveFailures = 0;
    this.#trialInFlight = false;
  }

  recordFailure(): void {
    this.#consecutiveFailures++;
    this.#trialInFlight = false;
    if (this.#consecutiveFailures >= this.failureThreshold) this.#openUntil = this.now() + this.cooldownMs;
  }

  get isOpen(): boolean {
    return this.#consecutiveFailures >= this.failureThreshold && this.now() < this.#openUntil;
  }
}
