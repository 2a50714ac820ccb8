/** Values handed from callbacks to one consuming async generator, with end and failure. */
export const END = Symbol("end");

export class Channel<T> {
  // A head index instead of shift(): a burst of thousands of outcomes must not cost O(n) per take.
  private items: T[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private error: unknown;
  private ended = false;
  push(x: T): void {
    this.items.push(x);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  fail(e: unknown): void {
    this.error ??= e;
    this.wake?.();
  }
  async next(): Promise<T | typeof END> {
    for (;;) {
      if (this.error !== undefined) throw this.error;
      if (this.head < this.items.length) {
        const x = this.items[this.head++]!;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        return x;
      }
      if (this.ended) return END;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}
