/** A FIFO counting semaphore: at most `limit` holders; waiters are served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  /** Highest number of simultaneous holders seen. */
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be >= 1, got ${limit}`);
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.peak = Math.max(this.peak, this.active);
  }

  release(): void {
    const next = this.waiters.shift();
    // Hand the slot straight to the next waiter so `active` never dips and a newcomer cannot jump the queue.
    if (next) next();
    else this.active--;
  }

  get inUse(): number {
    return this.active;
  }
}
