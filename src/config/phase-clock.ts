/**
 * Milliseconds spent in each start-up phase, logged at debug level once the server is built
 * (`bench/startup.ts` reads that line). The first lap starts at process start.
 */
export class PhaseClock {
  private last = 0;
  readonly phases: Record<string, number> = {};

  /** Ends the current phase under `name` and starts the next one. */
  lap(name: string): void {
    const now = performance.now();
    this.phases[name] = Math.round(now - this.last);
    this.last = now;
  }
}
