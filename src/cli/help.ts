import type { CommandDef } from "citty";

/** Walk `rawArgs` down the sub-command tree so `coderm rank --help` shows rank's usage. */
export async function resolveSubCommandForHelp(
  root: CommandDef,
  rawArgs: string[],
): Promise<[CommandDef, CommandDef | undefined]> {
  let cmd = root;
  let parent: CommandDef | undefined;
  for (const arg of rawArgs) {
    if (arg.startsWith("-")) break;
    const subs = typeof cmd.subCommands === "function" ? await cmd.subCommands() : await cmd.subCommands;
    const next = subs?.[arg];
    if (!next) break;
    parent = cmd;
    cmd = typeof next === "function" ? await next() : await next;
  }
  return [cmd, parent];
}
