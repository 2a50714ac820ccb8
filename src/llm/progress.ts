import cliProgress from "cli-progress";
import type { GenerationEvent, GenerationSummary } from "./runner.js";

export interface ProgressReporter {
  onEvent: (e: GenerationEvent) => void;
  stop: () => void;
}

/**
 * A progress bar on stderr (samples done / total, rate, ETA, failures, retries). On a non-terminal stderr it
 * stays silent except for retry-policy notices, so logs are not flooded with redraws.
 */
export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let done = 0;
  let failures = 0;
  let retries = 0;
  let cached = 0;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream,
          format:
            "{bar} {value}/{total} samples | {rate}/s | ETA {eta_formatted} | cached {cached} | retries {retries} | failed {failures}",
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0, { rate: "0.0", cached: 0, retries: 0, failures: 0 });
  const payload = () => {
    const secs = (Date.now() - started) / 1000;
    const fresh = done - cached;
    return { rate: secs > 0 ? (fresh / secs).toFixed(1) : "0.0", cached, retries, failures };
  };
  return {
    onEvent(e) {
      if (e.type === "sample") {
        done++;
        if (e.cached) cached++;
        if (!e.ok) failures++;
        bar?.update(done, payload());
      } else if (e.type === "retry") {
        retries++;
        bar?.update(done, payload());
      } else if (e.type === "no-n") {
        if (bar) bar.stop();
        stream.write(`coderm: ${e.message}\n`);
        bar?.start(total, done, payload());
      }
    },
    stop() {
      bar?.update(done, payload());
      bar?.stop();
    },
  };
}

/** One-paragraph summary for humans. */
export function formatSummary(s: GenerationSummary): string {
  const secs = s.elapsedMs / 1000;
  const fresh = s.samples - s.cacheHits - s.shared - s.failures;
  const errors = Object.entries(s.errors)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    `samples: ${s.samples} (${fresh} new, ${s.cacheHits} cached, ${s.shared} shared, ${s.failures} failed)`,
    `requests: ${s.requests} (${s.retries} retries${errors ? `; errors: ${errors}` : ""}), peak in flight ${s.peakConcurrency}`,
    `tokens: ${s.promptTokens} prompt + ${s.completionTokens} completion`,
    `time: ${secs.toFixed(1)} s${fresh > 0 && secs > 0 ? ` (${(fresh / secs).toFixed(1)} samples/s)` : ""}`,
  ].join("\n");
}
