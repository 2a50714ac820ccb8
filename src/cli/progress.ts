/**
 * One progress display for a whole run: the current stage, done/total, rate and ETA (cli-progress on a
 * terminal), JSON lines for machines, or nothing but errors in quiet mode.
 */
import cliProgress from "cli-progress";

import type { PipelineEvent } from "../run/pipeline.js";

export type ProgressMode = "bar" | "json" | "quiet";

export class RunProgress {
  private bar: cliProgress.SingleBar | undefined;
  private stage = "";
  private lastJson = 0;
  private started = Date.now();

  constructor(
    readonly mode: ProgressMode,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {}

  /** Render one pipeline event (`run()`'s `onEvent`). */
  readonly onEvent = (e: PipelineEvent): void => {
    if (e.event === "stage") this.begin(e.stage ?? "", e.skipped);
    else if (e.event === "progress") this.update(e.done ?? 0, e.total ?? 0);
    else if (e.event === "note") this.note(e.message ?? "");
    else this.end();
  };

  private emit(e: PipelineEvent): void {
    this.out.write(`${JSON.stringify(e)}\n`);
  }

  /** A new stage starts; `skipped` when a previous run already finished it. */
  begin(stage: string, skipped = false): void {
    this.end();
    this.stage = stage;
    if (this.mode === "json") this.emit({ event: "stage", stage, skipped });
    else if (this.mode === "bar")
      this.stream.write(`coderm: ${stage}${skipped ? " (done earlier, kept)" : ""}\n`);
  }

  update(done: number, total: number): void {
    if (this.mode === "json") {
      const now = Date.now();
      if (done === total || now - this.lastJson > 1000) {
        this.lastJson = now;
        this.emit({ event: "progress", stage: this.stage, done, total });
      }
      return;
    }
    if (this.mode !== "bar" || !this.stream.isTTY) return;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: `  ${this.stage.padEnd(9)} {bar} {value}/{total} | {speed}/s | ETA {eta_formatted}`,
          hideCursor: true,
          etaBuffer: 200,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { speed: "0" });
      this.started = Date.now();
    }
    const secs = (Date.now() - this.started) / 1000;
    this.bar.setTotal(total);
    this.bar.update(done, { speed: secs > 0 ? (done / secs).toFixed(1) : "0" });
  }

  note(message: string): void {
    if (this.mode === "json") this.emit({ event: "note", stage: this.stage, message });
    else if (this.mode === "bar") {
      this.bar?.stop();
      this.bar = undefined;
      this.stream.write(`coderm: ${message}\n`);
    }
  }

  end(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
