import { stripVTControlCharacters } from "node:util";
import { type ArgsDef, type CommandDef, renderUsage } from "citty";

type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>);
const resolve = async <T>(r: Resolvable<T>): Promise<T> =>
  typeof r === "function" ? await (r as () => T | Promise<T>)() : await r;

/**
 * Walk `rawArgs` down the sub-command tree: `coderm rank --help` shows rank's usage, and the flags after
 * the command's name (`depth` words in) are checked against its args.
 */
export async function resolveSubCommand(
  root: CommandDef,
  rawArgs: string[],
): Promise<{ cmd: CommandDef; parent?: CommandDef; depth: number; args: ArgsDef }> {
  let cmd = root;
  let parent: CommandDef | undefined;
  let depth = 0;
  for (const arg of rawArgs) {
    if (arg.startsWith("-")) break;
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    const next = subs?.[arg];
    if (!next) break;
    parent = cmd;
    cmd = await resolve(next);
    depth++;
  }
  return { cmd, parent, depth, args: cmd.args ? await resolve(cmd.args) : {} };
}

/** Colour only for a person at a terminal who has not asked for none (https://no-color.org), or on FORCE_COLOR. */
export function wantsColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0") return true;
  return stream.isTTY === true;
}

/** `text` as it should reach `stream`: citty's ANSI codes removed unless colour is wanted there. */
export function forStream(stream: NodeJS.WriteStream, text: string): string {
  return wantsColor(stream) ? text : stripVTControlCharacters(text);
}

/** citty's usage text, without ANSI codes when stdout is a file, a pipe or NO_COLOR is set. */
export async function printUsage(cmd: CommandDef, parent?: CommandDef): Promise<void> {
  const text = await renderUsage(cmd, parent);
  process.stdout.write(`${forStream(process.stdout, text)}\n`);
}
