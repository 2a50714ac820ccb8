/** A FIFO counting semaphore: at most `limit` holders; waiters are served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  /** Highest number of simultaneous holders seen. */
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be >= 1, got ${limit}`);
  }

  /**
   * Wait for a slot. Resolves true once held, or false (holding nothing) when `signal` aborts first, so a
   * stopped run's queued requests leave the queue at once instead of each taking a slot in turn.
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (this.active < this.limit) {
      this.active++;
    } else {
      const got = await new Promise<boolean>((resolve) => {
        const take = () => {
          signal?.removeEventListener("abort", leave);
          resolve(true);
        };
        const leave = () => {
          const at = this.waiters.indexOf(take);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve(false);
        };
        this.waiters.push(take);
        signal?.addEventListener("abort", leave, { once: true });
      });
      if (!got) return false;
    }
    this.peak = Math.max(this.peak, this.active);
    return true;
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
