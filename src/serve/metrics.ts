/** Prometheus metrics of one server (its own registry, so two servers in one process do not mix). */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class ServeMetrics {
  readonly registry = new Registry();
  readonly queued = new Gauge({
    name: "coderm_queue_pairs",
    help: "Pairs admitted and not yet finished",
    registers: [this.registry],
  });
  readonly pairs = new Counter({
    name: "coderm_pairs_total",
    help: "Pairs executed, by verdict",
    labelNames: ["verdict"],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: "coderm_rejected_total",
    help: "Requests refused, by HTTP status (429 queue full, 503 draining)",
    labelNames: ["status"],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "coderm_request_seconds",
    help: "Request latency by route and status",
    labelNames: ["route", "status"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
}
