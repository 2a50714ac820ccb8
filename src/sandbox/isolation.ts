/**
 * How a worker is started and how strong its isolation is: bubblewrap (user/pid/net/ipc/mount namespaces,
 * read-only /usr, private /tmp) when it works here, an unprivileged uid when we run as root, an empty
 * environment; seccomp and rlimits are installed by the worker itself (harness/isolation.py).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
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

const harnessCopies = new Map<string, string>();

/**
 * Copy the harness to a world-readable folder under the temp dir: the sandbox uid may not read the checkout
 * (e.g. under /root), and bubblewrap binds this folder read-only. The folder is named by a hash of its content,
 * so every process (and every run) reuses one copy and nothing is left behind per run.
 */
export function prepareHarness(extraKinds: string[] = []): string {
  const src = harnessSource();
  const files: [string, string][] = [];
  for (const f of readdirSync(src).sort()) if (f.endsWith(".py")) files.push([f, join(src, f)]);
  // kinds/ (loaded by path) and the harness's packages (imported by name, e.g. coderm_labels/).
  const dirs = readdirSync(src)
    .sort()
    .filter((d) => d === "kinds" || existsSync(join(src, d, "__init__.py")));
  for (const d of dirs)
    for (const f of readdirSync(join(src, d)).sort())
      if (f.endsWith(".py")) files.push([`${d}/${f}`, join(src, d, f)]);
  for (const f of extraKinds) {
    if (!existsSync(f)) throw new CodermError("E_BAD_INPUT", "kind plugin not found", f);
    files.push([`kinds/${basename(f)}`, f]);
  }
  const h = createHash("sha1");
  const contents = files.map(([name, path]) => {
    const text = readFileSync(path);
    h.update(name).update("\0").update(text).update("\0");
    return [name, text] as const;
  });
  const digest = h.digest("hex").slice(0, 16);
  const known = harnessCopies.get(digest);
  if (known) return known;
  const dir = join(tmpdir(), `coderm-harness-${digest}`);
  if (!existsSync(join(dir, ".complete"))) {
    const staging = mkdtempSync(join(tmpdir(), "coderm-harness-tmp-"));
    for (const d of dirs) mkdirSync(join(staging, d));
    for (const [name, text] of contents) writeFileSync(join(staging, name), text, { mode: 0o644 });
    writeFileSync(join(staging, ".complete"), "");
    for (const p of [staging, ...dirs.map((d) => join(staging, d))]) chmodSync(p, 0o755);
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process made the same copy first
      if (!existsSync(join(dir, ".complete")))
        throw new CodermError("E_SANDBOX", "cannot prepare the harness", dir);
    }
  }
  harnessCopies.set(digest, dir);
  return dir;
}

/**
 * The sandbox's whole environment. A fixed hash seed makes set and dict orders, and so verdicts, reproducible
 * from run to run (the worker clears its environment once the interpreter has read it).
 */
export const SANDBOX_ENV: Record<string, string> = { PYTHONHASHSEED: "0" };

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

/** Where `Sandbox.share` files appear inside bubblewrap. */
export const SHARE_MOUNT = "/share";

/** bubblewrap arguments up to (not including) the command. */
export function bwrapArgs(harnessDir: string, shareDir?: string): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"];
  args.push("--ro-bind", "/usr", "/usr");
  for (const d of ["/lib", "/lib64", "/lib32", "/bin", "/sbin"]) {
    if (isSymlink(d)) args.push("--symlink", `usr${d}`, d);
    else if (existsSync(d)) args.push("--ro-bind", d, d);
  }
  args.push("--proc", "/proc", "--dev", "/dev", "--size", String(256 << 20), "--tmpfs", "/tmp");
  args.push("--ro-bind", harnessDir, "/harness");
  if (shareDir) args.push("--ro-bind", shareDir, SHARE_MOUNT);
  args.push("--remount-ro", "/", "--chdir", "/tmp", "--clearenv");
  for (const [k, v] of Object.entries(SANDBOX_ENV)) args.push("--setenv", k, v);
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
  layers.io = {
    ok: true,
    why: "solutions run in candidate processes that send only values; the judge decides every verdict",
  };
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
