/**
 * One lane for the long computations of every request (a diverse ranking's MMR, scoring its
 * candidates): they run in slices of at most `sliceMs`, the waiting tasks in turn, and only in the
 * lane's own turns of the event loop. Between two turns the loop reaches I/O and timers, so other
 * clients (and `/health`) are answered while a request with 200 diverse lists ranks them.
 *
 * A turn lasts as long as the rest of the loop took since the previous one (at least one slice, at
 * most `maxTurnMs`): with little else to do the lane has nearly all the CPU; with many other requests
 * it has about half, and nobody waits more than `maxTurnMs` for it.
 *
 * Each task yielding on its own (setImmediate after 10 ms) was not enough: every task waiting for its
 * next slice is an immediate, and Node runs all immediates queued before that phase in one go, so 100
 * such rankings held the loop for ~1 s at a time (BENCHMARKS.md, "load"). Here only the lane's one
 * immediate is ever queued.
 */
export interface ComputeLaneOptions {
  /** The longest one task computes before the next waiting task's turn. Default 10 ms. */
  readonly sliceMs?: number;
  /** The longest the lane holds the event loop at a time. Default 20 ms. */
  readonly maxTurnMs?: number;
  /** The clock (tests). Default `performance.now`. */
  readonly now?: () => number;
}

export class ComputeLane {
  private readonly tasks: LaneTask[] = [];
  private scheduled = false;
  /** When the lane's last turn ended, while tasks wait; null when the lane was idle. */
  private lastTurnEnd: number | null = null;
  private readonly sliceMs: number;
  private readonly maxTurnMs: number;
  private readonly now: () => number;

  constructor(options: ComputeLaneOptions = {}) {
    this.sliceMs = options.sliceMs ?? 10;
    this.maxTurnMs = options.maxTurnMs ?? 20;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Runs `step` until it returns false, in slices. `beforeSlice` runs before each slice after the
   * first (a time budget's check): what it throws ends the task with that error.
   */
  run(step: () => boolean, beforeSlice?: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.tasks.push({ step, beforeSlice, resolve, reject, started: false });
      this.schedule();
    });
  }

  /** Tasks waiting for a slice. */
  get waiting(): number {
    return this.tasks.length;
  }

  private schedule(): void {
    if (this.scheduled || this.tasks.length === 0) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    const start = this.now();
    const others = this.lastTurnEnd === null ? 0 : start - this.lastTurnEnd;
    const turnEnd = start + Math.min(this.maxTurnMs, Math.max(this.sliceMs, others));
    do {
      const task = this.tasks.shift();
      if (!task) break;
      this.slice(task, Math.min(turnEnd, this.now() + this.sliceMs));
    } while (this.now() < turnEnd);
    this.lastTurnEnd = this.tasks.length > 0 ? this.now() : null;
    this.schedule();
  };

  /** One task's slice: steps until `end` or until it is done (or fails). */
  private slice(task: LaneTask, end: number): void {
    try {
      if (task.started) task.beforeSlice?.();
      task.started = true;
      let more = task.step();
      while (more && this.now() < end) more = task.step();
      if (more) this.tasks.push(task);
      else task.resolve();
    } catch (e) {
      task.reject(e);
    }
  }
}

interface LaneTask {
  readonly step: () => boolean;
  readonly beforeSlice: (() => void) | undefined;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  started: boolean;
}
