/** Host files handed to child-side jobs read-only (`Sandbox.share`), staged in the sandbox's share folder. */

import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, linkSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";

/**
 * Stage `path` in `shareDir` once per content version (path, size, mtime) and return its name there. A link
 * when the file is world-readable (no copy of large ground truth), a copy otherwise.
 */
export function stageShared(shareDir: string, path: string): string {
  const st = statSync(path);
  const id = createHash("sha1")
    .update(`${resolve(path)}\0${st.size}\0${st.mtimeMs}`)
    .digest("hex");
  const name = `${id.slice(0, 16)}-${basename(path)}`;
  const staged = join(shareDir, name);
  if (!existsSync(staged)) {
    // A link shares the inode and its mode, so only a world-readable file may be linked.
    if (st.mode & 0o004) {
      try {
        linkSync(path, staged);
      } catch {
        copyFileSync(path, staged);
      }
    } else copyFileSync(path, staged);
    if (!(statSync(staged).mode & 0o004)) chmodSync(staged, 0o644);
  }
  return name;
}
