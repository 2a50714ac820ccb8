/**
 * How a worker is started and how strong its isolation is: bubblewrap (user/pid/net/ipc/mount namespaces,
 * read-only /usr, private /tmp) when it works here, an unprivileged uid when we run as root, an empty
 * environment; seccomp and rlimits are installed by the worker itself (harness/isolation.py).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CodermError } from "../errors.js";
import type { IsolationLayer, IsolationReport } from "./types.js";

export const SANDBOX_UID = 65534;
export const DEFAULT_PYTHON = "/usr/bin/python3";

/** The harness folder shipped with the package (src/sandbox/harness, also when running from dist/). */
export function harnessSource(): string {
  const here = fileURLToPath(new URL("./harness", import.meta.url));
  if (existsSync(join(here, "worker.py"))) return here;
  const fromDist = fileURLToPath(new URL("../../src/sandbox/harness", import.meta.url));
  if (existsSync(join(fromDist, "worker.py"))) return fromDist;
  throw new CodermError("E_SANDBOX", "harness not found (expected src/sandbox/harness/worker.py)", here);
}

let harnessCopy: string | undefined;

/**
 * Copy the harness to a world-readable temp folder: the sandbox uid may not read the checkout (e.g. under
 * /root), and bubblewrap binds this folder read-only.
 */
export function prepareHarness(extraKinds: string[] = []): string {
  if (harnessCopy && extraKinds.length === 0) return harnessCopy;
  const dir = mkdtempSync(join(tmpdir(), "coderm-harness-"));
  const src = harnessSource();
  mkdirSync(join(dir, "kinds"));
  for (const f of readdirSync(src)) if (f.endsWith(".py")) copyFileSync(join(src, f), join(dir, f));
  for (const f of readdirSync(join(src, "kinds")))
    if (f.endsWith(".py")) copyFileSync(join(src, "kinds", f), join(dir, "kinds", f));
  for (const f of extraKinds) {
    if (!existsSync(f)) throw new CodermError("E_BAD_INPUT", "kind plugin not found", f);
    copyFileSync(f, join(dir, "kinds", basename(f)));
  }
  for (const p of [dir, join(dir, "kinds")]) chmodSync(p, 0o755);
  for (const f of readdirSync(dir)) if (f.endsWith(".py")) chmodSync(join(dir, f), 0o644);
  for (const f of readdirSync(join(dir, "kinds"))) chmodSync(join(dir, "kinds", f), 0o644);
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  if (extraKinds.length === 0) harnessCopy = dir;
  return dir;
}

/** uid/gid to run the sandbox as: 65534 when we are root, else ourselves (already unprivileged). */
export function sandboxIds(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {};
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** bubblewrap arguments up to (not including) the command. */
export function bwrapArgs(harnessDir: string): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"];
  args.push("--ro-bind", "/usr", "/usr");
  for (const d of ["/lib", "/lib64", "/lib32", "/bin", "/sbin"]) {
    if (isSymlink(d)) args.push("--symlink", `usr${d}`, d);
    else if (existsSync(d)) args.push("--ro-bind", d, d);
  }
  args.push("--proc", "/proc", "--dev", "/dev", "--size", String(256 << 20), "--tmpfs", "/tmp");
  args.push("--ro-bind", harnessDir, "/harness", "--remount-ro", "/", "--chdir", "/tmp", "--clearenv");
  return args;
}

let bwrapProbe: IsolationLayer | undefined;

/** Does bubblewrap start a sandboxed Python here (as the sandbox uid)? Cached per process. */
export function probeBwrap(python = DEFAULT_PYTHON): IsolationLayer {
  if (bwrapProbe) return bwrapProbe;
  const which = spawnSync("bwrap", ["--version"], { encoding: "utf8" });
  if (which.error || which.status !== 0) {
    bwrapProbe = { ok: false, why: "bubblewrap not installed (apt-get install bubblewrap)" };
    return bwrapProbe;
  }
  const dir = prepareHarness();
  const r = spawnSync("bwrap", [...bwrapArgs(dir), python, "-I", "-S", "-c", "print('ok')"], {
    encoding: "utf8",
    env: {},
    timeout: 10_000,
    ...sandboxIds(),
  });
  bwrapProbe =
    r.status === 0 && r.stdout.trim() === "ok"
      ? {
          ok: true,
          why: `${which.stdout.trim()}: user, pid, net, ipc, uts, mount namespaces; read-only /usr`,
        }
      : { ok: false, why: `bubblewrap does not start here: ${(r.stderr || r.error?.message || "").trim()}` };
  return bwrapProbe;
}

/** Merge what Node knows (bubblewrap) with what the worker reported from inside. */
export function buildReport(
  bwrap: IsolationLayer,
  hello: Record<string, [boolean, string]>,
  python: string,
): IsolationReport {
  const layers: Record<string, IsolationLayer> = { namespaces: bwrap };
  for (const [k, [ok, why]] of Object.entries(hello)) layers[k] = { ok, why };
  layers.io = { ok: true, why: "stdin closed, stdout/stderr captured and capped, private result pipe" };
  const level = Object.values(layers).every((l) => l.ok) ? "strong" : "weak";
  return { level, layers, python };
}

export function formatReport(r: IsolationReport): string {
  const lines = [`sandbox isolation: ${r.level.toUpperCase()} (python ${r.python})`];
  for (const [k, l] of Object.entries(r.layers))
    lines.push(`  ${l.ok ? "ok     " : "MISSING"} ${k}: ${l.why}`);
  if (r.level === "weak") lines.push("  WARNING: untrusted code runs with weaker isolation than intended");
  return lines.join("\n");
}
