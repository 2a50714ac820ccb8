/**
 * One process per run directory. Two `coderm run --out X` at once would both append every pair to
 * `results.jsonl` and every label to the labels file, so the second one must stop before writing anything.
 *
 * The lock is a file created with O_EXCL holding the owner's pid, the pid's start time and the host. A
 * lock left by a killed process (SIGKILL, OOM, a second Ctrl-C) is stale when that pid is gone or now
 * belongs to another process (different start time), and the next run takes it over. Why not
 * proper-lockfile: it decides staleness by an mtime that the owner refreshes on a timer, so a run that is
 * suspended (Ctrl-Z, SIGSTOP) or starved on a loaded machine loses its lock to a second run, which is the
 * very doubling this prevents; the pid check is exact for processes on one host.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { CodermError } from "../errors.js";

export const LOCK_FILE = ".coderm.lock";

interface Owner {
  pid: number;
  /** The pid's start time (clock ticks since boot, /proc/<pid>/stat field 22), to tell a reused pid. */
  start: string | null;
  host: string;
  command: string;
  since: string;
}

export interface DirLock {
  readonly file: string;
  /** Remove the lock if it is still ours. Safe to call twice. */
  release(): void;
}

/** `/proc/<pid>/stat` after the command name, which is in parentheses and may hold spaces. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Field 22 of the stat line: the start time, which tells a reused pid from its first owner. */
const startTime = (pid: number): string | null => procStat(pid)?.[19] ?? null;

function alive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: the pid exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(owner.pid);
  if (stat === undefined) return true; // no /proc: the signal check is all there is
  // A killed owner whose parent has not reaped it yet is a zombie: dead, though its pid answers.
  if (stat[0] === "Z" || stat[0] === "X") return false;
  return owner.start === null || stat[19] === owner.start;
}

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Partial<Owner>;
    return typeof o.pid === "number" ? (o as Owner) : undefined;
  } catch {
    return undefined; // gone, or half-written by an owner killed while creating it
  }
}

/**
 * How long an unreadable lock file has existed (a live owner writes it at once); Infinity when it is
 * gone already, so the caller simply tries again.
 */
function unreadableFor(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function tryCreate(file: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new CodermError(
      "E_BAD_INPUT",
      `cannot create the lock file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      file,
    );
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Lock `dir` (which must exist) for this process, or throw `E_LOCKED` naming the directory and the
 * process that holds it. `command` is what the message calls the holder (e.g. "coderm run").
 */
export function lockRunDir(dir: string, command: string): DirLock {
  return lockFile(join(dir, LOCK_FILE), command, dir);
}

/**
 * The same lock as a file of its own (`coderm exec --out R` appends to R and resumes from it, so it
 * locks `R.lock`); `where` is what the error names.
 */
export function lockFile(file: string, command: string, where: string): DirLock {
  const me: Owner = {
    pid: process.pid,
    start: startTime(process.pid),
    host: hostname(),
    command,
    since: new Date().toISOString(),
  };
  // Two attempts: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file, me)) return ownLock(file, me);
    const owner = readOwner(file);
    const stale =
      owner === undefined
        ? unreadableFor(file) > 10_000 // its owner died between creating and writing it
        : owner.host === me.host && owner.pid !== me.pid && !alive(owner);
    if (!stale) {
      const who = owner
        ? `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since})`
        : "another coderm process";
      throw new CodermError(
        "E_LOCKED",
        `in use by ${who}; wait for it to finish or stop it, then rerun to resume` +
          (owner && owner.host !== me.host ? ` (or delete ${file} if that process is gone)` : ""),
        where,
      );
    }
    // Two processes that find the same stale lock at the same instant can both get past here (the later
    // unlink may remove the earlier one's fresh lock); that needs two starts within microseconds of each
    // other after a crash, which is far rarer than the doubling this lock exists to stop.
    try {
      unlinkSync(file);
    } catch {
      // Another process removed it first; the next attempt races it fairly through O_EXCL.
    }
  }
  throw new CodermError("E_LOCKED", "in use by another coderm process that just took it over", where);
}

function ownLock(file: string, me: Owner): DirLock {
  let held = true;
  return {
    file,
    release() {
      if (!held) return;
      held = false;
      const owner = readOwner(file);
      if (owner?.pid === me.pid && owner.start === me.start) unlinkSync(file);
    },
  };
}
