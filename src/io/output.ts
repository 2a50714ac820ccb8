/**
 * The one way files are written: outputs are checked before any work (so hours of sampling or labelling are
 * never lost to a read-only directory at the end), every whole-file write goes through a temporary file in
 * the same directory and a rename (readers and a killed run never see half a file, and a failed run never
 * replaces a good one), and a filesystem error becomes one `E_OUTPUT` line naming the path.
 */
import {
  appendFileSync,
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CodermError } from "../errors.js";

/** What each filesystem error means to the person who chose the path. */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "a parent of it is a file, not a directory",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  ENOENT: "its directory does not exist",
  EEXIST: "already exists",
  ENAMETOOLONG: "name too long",
  EMFILE: "too many open files",
};

/** A filesystem error as one line naming `path`; anything else (a bug) is returned unchanged. */
export function outputError(e: unknown, path: string, what = "cannot write"): unknown {
  if (e instanceof CodermError) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return e;
  return new CodermError("E_OUTPUT", `${what}: ${REASONS[code] ?? code} (${code})`, path, { cause: e });
}

function fail(path: string, reason: string): never {
  throw new CodermError("E_OUTPUT", `cannot write: ${reason}`, path);
}

function kindOf(path: string): "file" | "dir" | "other" | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw outputError(e, path);
  }
}

/**
 * A recursive mkdir reports ENOENT for a parent it could not create on a read-only file system: create the
 * first missing level on its own to learn the real reason (EROFS, EACCES, ENOTDIR).
 */
function realMkdirError(dir: string): unknown {
  let child = resolve(dir);
  let parent = dirname(child);
  while (parent !== child && kindOf(parent) === undefined) {
    child = parent;
    parent = dirname(child);
  }
  try {
    mkdirSync(child);
    rmSync(child, { recursive: true, force: true });
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Create `dir` (and its parents) and prove a file can be created and removed in it. */
function probeDir(dir: string, shown: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw outputError(realMkdirError(dir) ?? e, shown);
  }
  const probe = join(dir, `.coderm-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    writeFileSync(probe, "");
  } catch (e) {
    throw outputError(e, shown);
  }
  rmSync(probe, { force: true });
}

/**
 * Check, before any work, that `path` can be written as a file: not a directory, and its directory exists
 * (created if missing) and takes new files. `flag` names the flag in the message (`--out`).
 */
export function checkOutputFile(path: string, flag?: string): void {
  const shown = flag ? `${flag} ${path}` : path;
  const kind = kindOf(path);
  if (kind === "dir") fail(shown, "is a directory, expected a file");
  // A device or a pipe (`--out /dev/stdout`) is written in place: nothing to probe, nothing to rename.
  if (kind === "other") return;
  probeDir(dirname(path), shown);
}

/** Check, before any work, that `dir` is (or can be created as) a directory that takes new files. */
export function checkOutputDir(dir: string, flag?: string): void {
  const shown = flag ? `${flag} ${dir}` : dir;
  const kind = kindOf(dir);
  if (kind !== undefined && kind !== "dir") fail(shown, "is a file, expected a directory");
  probeDir(dir, shown);
}

/** The temporary sibling a write goes through: same directory (so the rename is atomic), hidden, unique. */
export function tempPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
}

/** Write a whole file through a temporary sibling and a rename; on error the old file is untouched. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  if (kindOf(file) === "other") {
    try {
      writeFileSync(file, data);
    } catch (e) {
      throw outputError(e, file);
    }
    return;
  }
  const tmp = tempPath(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw outputError(e, file);
  }
}

/** A stream of text written to a temporary file, which `close()` renames into place and `abort()` drops. */
export interface AtomicWriter {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
  abort(): void;
}

/**
 * Open `file` for streaming. With `append`, the file itself is appended to (a resumable results file: what
 * is written survives a kill); otherwise writes go to a temporary sibling renamed over `file` on `close()`.
 * Either way a stream error rejects the next `write`/`close` with one `E_OUTPUT` line instead of crashing
 * the process with an unhandled 'error' event. `transform` (e.g. gzip) sits in front of the file.
 */
export function openOutput(
  file: string,
  options: { append?: boolean; transform?: NodeJS.ReadWriteStream } = {},
): AtomicWriter {
  // A device or pipe (`/dev/stdout`) cannot be replaced by a rename: it is written in place, like an append.
  const inPlace = options.append === true || kindOf(file) === "other";
  const target = inPlace ? file : tempPath(file);
  const ws = createWriteStream(target, { flags: options.append ? "a" : "w" });
  const head: NodeJS.WritableStream = options.transform ?? ws;
  let failure: unknown;
  const onError = (e: unknown) => {
    failure ??= outputError(e, file);
  };
  ws.on("error", onError);
  if (options.transform) {
    options.transform.on("error", onError);
    options.transform.pipe(ws);
  }
  const finished = new Promise<void>((resolve) => {
    ws.once("close", () => resolve());
  });
  const check = () => {
    if (failure) throw failure;
  };
  return {
    async write(chunk) {
      check();
      if (!head.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            head.off("drain", done);
            ws.off("close", done);
            resolve();
          };
          head.once("drain", done);
          ws.once("close", done);
        });
      }
      check();
    },
    async close() {
      if (!failure) head.end();
      else ws.destroy();
      await finished;
      if (failure) {
        if (!inPlace) rmSync(target, { force: true });
        throw failure;
      }
      if (!inPlace) {
        try {
          renameSync(target, file);
        } catch (e) {
          rmSync(target, { force: true });
          throw outputError(e, file);
        }
      }
    },
    abort() {
      if (inPlace) {
        ws.destroy();
        return;
      }
      // The open may still be pending: remove the temporary file once the stream has let go of it.
      const drop = () => rmSync(target, { force: true });
      if (ws.closed) drop();
      else ws.once("close", drop);
      ws.destroy();
    },
  };
}

/** Append to a resumable file (labels, pair results) as work finishes; an error is one `E_OUTPUT` line. */
export function appendText(file: string, text: string): void {
  try {
    appendFileSync(file, text);
  } catch (e) {
    throw outputError(e, file);
  }
}
