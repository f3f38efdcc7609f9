export interface CircuitBreakerOptions {
  /** Failures within one window that can open the circuit. */
  failureThreshold: number;
  /** Share of the window's calls that must have failed too (0–1), so stray timeouts under load never open it. */
  failureRatio: number;
  /** Length of the counting window (ms); counts start again after it. */
  windowMs: number;
  /** How long an open circuit skips the dependency before one trial call. */
  cooldownMs: number;
}

/**
 * Skips a failing dependency for a cool-down instead of paying its timeout on every request.
 * It opens on an outage, not on load: within a window, at least `failureThreshold` failures
 * that are also at least `failureRatio` of the calls. Open for `cooldownMs` → one trial call
 * (half-open) → closed on success, open again on failure.
 */
export class CircuitBreaker {
  #windowStart = 0;
  #calls = 0;
  #failures = 0;
  #openUntil = 0;
  #open = false;
  #trialInFlight = false;

  constructor(
    readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a call may go through now. In half-open state only one trial call is let through. */
  allows(): boolean {
    if (!this.#open) return true;
    if (this.now() < this.#openUntil || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    if (this.#open) {
      this.#open = false;
      this.#trialInFlight = false;
      this.#restartWindow(this.now());
    }
    this.#count(false);
  }

  recordFailure(): void {
    const now = this.now();
    if (this.#open) {
      // The half-open trial failed (or a call started before the circuit opened): stay open.
      this.#trialInFlight = false;
      this.#openUntil = now + this.options.cooldownMs;
      return;
    }
    this.#count(true);
    const { failureThreshold, failureRatio, cooldownMs } = this.options;
    if (this.#failures >= failureThreshold && this.#failures >= failureRatio * this.#calls) {
      this.#open = true;
      this.#openUntil = now + cooldownMs;
    }
  }

  get isOpen(): boolean {
    return this.#open && this.now() < this.#openUntil;
  }

  #count(failed: boolean): void {
    const now = this.now();
    if (now - this.#windowStart >= this.options.windowMs) this.#restartWindow(now);
    this.#calls++;
    if (failed) this.#failures++;
  }

  #restartWindow(now: number): void {
    this.#windowStart = now;
    this.#calls = 0;
    this.#failures = 0;
  }
}
