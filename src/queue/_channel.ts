/** Values handed from callbacks to one consuming async generator, with end and failure. */
export const END = Symbol("end");

export class Channel<T> {
  private items: T[] = [];
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
      if (this.items.length > 0) return this.items.shift()!;
      if (this.ended) return END;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}
