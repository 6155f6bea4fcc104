/**
 * One lane for the long computations of every request (a diverse ranking's MMR, scoring its
 * candidates): they run a slice of at most `sliceMs` at a time, one task's slice per turn of the
 * event loop, the waiting tasks in turn. Between two slices the event loop reaches I/O and timers, so
 * other clients (and `/health`) are answered while a request with 200 diverse lists ranks them.
 *
 * Each task yielding on its own (setImmediate after 10 ms) was not enough: every task waiting for its
 * next slice is an immediate, and Node runs all immediates queued before that phase in one go, so 100
 * such rankings held the loop for ~1 s at a time (BENCHMARKS.md, "load"). Here only the lane's one
 * immediate is ever queued.
 */
export class ComputeLane {
  private readonly tasks: LaneTask[] = [];
  private scheduled = false;

  constructor(private readonly sliceMs = 10) {}

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

  /** Tasks waiting for a slice (the one running included). */
  get waiting(): number {
    return this.tasks.length;
  }

  private schedule(): void {
    if (this.scheduled || this.tasks.length === 0) return;
    this.scheduled = true;
    setImmediate(this.slice);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    const task = this.tasks.shift();
    if (!task) return;
    const end = performance.now() + this.sliceMs;
    try {
      if (task.started) task.beforeSlice?.();
      task.started = true;
      let more = task.step();
      while (more && performance.now() < end) more = task.step();
      if (more) this.tasks.push(task);
      else task.resolve();
    } catch (e) {
      task.reject(e);
    }
    this.schedule();
  };
}

interface LaneTask {
  readonly step: () => boolean;
  readonly beforeSlice: (() => void) | undefined;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  started: boolean;
}
