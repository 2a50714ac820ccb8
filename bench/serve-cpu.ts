/**
 * CPU per case by process for bench:serve's /run_code part (`--breakdown`). On a machine the servers share
 * with the clients, throughput is the cores divided by the CPU a case costs everywhere, so this is the table to
 * read (load-proof, unlike wall times). Sources: /proc/<pid>/stat of this process's descendants (workers,
 * judges, zygotes), the zygotes' wait4 of their candidates (Sandbox.stats `cand_cpu_ms`, `zygote_cpu_ms`), and
 * this process's own and reaped children's CPU (the plain server's interpreters).
 */
import { readdirSync, readFileSync } from "node:fs";

export interface CpuSnapshot {
  /** This process (server, batcher and the bench's clients: they share the process). */
  node: number;
  /** Children this process has reaped (the plain server's python3 processes). */
  reaped: number;
  /** Live descendants by role. */
  worker: number;
  workerChildren: number;
  bwrap: number;
  stats: Record<string, number>;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

function proc(pid: string): { ppid: number; cpu: number; kids: number; cmd: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const n = (i: number) => Number(f[i]) * TICK_MS;
    return { ppid: Number(f[1]), cpu: n(11) + n(12), kids: n(13) + n(14), cmd };
  } catch {
    return undefined; // gone between readdir and read
  }
}

export function cpuSnapshot(stats: Record<string, number>): CpuSnapshot {
  const all = new Map<number, NonNullable<ReturnType<typeof proc>>>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const p = proc(d);
    if (p) all.set(Number(d), p);
  }
  // bwrap's own command line names worker.py too: a Python worker is one that is not bwrap.
  const isPython = (pid: number) => {
    const cmd = all.get(pid)?.cmd ?? "";
    return cmd.includes("worker.py") && !cmd.startsWith("bwrap");
  };
  const under = (pid: number): boolean => {
    for (let p = all.get(pid)?.ppid; p !== undefined && p > 0; p = all.get(p)?.ppid)
      if (p === process.pid) return true;
    return false;
  };
  const snap: CpuSnapshot = { node: 0, reaped: 0, worker: 0, workerChildren: 0, bwrap: 0, stats };
  const self = all.get(process.pid);
  snap.node = self?.cpu ?? 0;
  snap.reaped = self?.kids ?? 0;
  for (const [pid, p] of all) {
    if (pid === process.pid || !under(pid)) continue;
    if (!isPython(pid)) snap.bwrap += p.cpu;
    else if (isPython(p.ppid)) snap.workerChildren += p.cpu;
    else snap.worker += p.cpu;
  }
  return snap;
}

/** Milliseconds of CPU per case between two snapshots, by process; `plain` for the process-per-request side. */
export function cpuPerCase(a: CpuSnapshot, b: CpuSnapshot, cases: number, plain = false): string {
  const d = (f: (s: CpuSnapshot) => number) => (f(b) - f(a)) / cases;
  const st = (k: string) => (s: CpuSnapshot) => s.stats[k] ?? 0;
  const fmt = (x: number) => x.toFixed(2);
  if (plain) {
    const node = d((s) => s.node);
    const py = d((s) => s.reaped);
    return `CPU ms/case: node ${fmt(node)}, python3 processes ${fmt(py)}; total ${fmt(node + py)}`;
  }
  const node = d((s) => s.node);
  const worker = d((s) => s.worker);
  const zygote = d(st("zygote_cpu_ms"));
  const judge = d((s) => s.workerChildren) - zygote;
  const reaped = (b.stats.cand_reaped ?? 0) - (a.stats.cand_reaped ?? 0);
  const cand = reaped > 0 ? ((b.stats.cand_cpu_ms ?? 0) - (a.stats.cand_cpu_ms ?? 0)) / reaped : 0;
  const bwrap = d((s) => s.bwrap);
  const total = node + worker + judge + zygote + cand + bwrap;
  return `CPU ms/case: node ${fmt(node)} (server + clients), worker ${fmt(worker)}, judge ${fmt(judge)}, zygote ${fmt(zygote)}, candidate ${fmt(cand)}; total ${fmt(total)}`;
}
