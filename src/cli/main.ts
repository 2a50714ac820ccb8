#!/usr/bin/env node
/**
 * The `coderm` binary. citty (unjs) parses flags and renders help; we wrap its runner so that user
 * errors (CodermError, bad flags) print one line and exit 1 while bugs keep their stack.
 */
import { type CommandDef, defineCommand, runCommand } from "citty";
import { isCodermError } from "../errors.js";
import { VERSION } from "../version.js";
import { COMMAND_NAMES, type CommandName, commandMeta } from "./command-list.js";

// Each command is loaded lazily so `coderm --help` and a one-pair `coderm exec` do not pay for SQLite,
// tree-sitter, the LLM client, the HTTP server or Redis: a command module imports only what it uses.
const load = (name: CommandName) => () =>
  import(`./commands/${name}.js`).then((m: { default: CommandDef }) => m.default);

export const main = defineCommand({
  meta: {
    name: "coderm",
    version: VERSION,
    description: "Unit-test rewards for code: sample solutions and tests, execute, vote.",
  },
  subCommands: Object.fromEntries(COMMAND_NAMES.map((name) => [name, load(name)])),
});

/** The root's usage lists commands from their summaries alone: citty would import every command for it. */
const listing: CommandDef = {
  ...main,
  subCommands: Object.fromEntries(COMMAND_NAMES.map((name) => [name, { meta: commandMeta(name) }])),
};

async function cli(rawArgs: string[]): Promise<void> {
  try {
    if (rawArgs.length === 1 && (rawArgs[0] === "--version" || rawArgs[0] === "-v")) {
      console.log(VERSION);
      return;
    }
    const { resolveSubCommand, printUsage } = await import("./help.js");
    const { cmd, parent, depth, args } = await resolveSubCommand(main, rawArgs);
    if (rawArgs.includes("--help") || rawArgs.includes("-h") || rawArgs.length === 0) {
      await printUsage(depth === 0 ? listing : cmd, parent);
      return;
    }
    const { checkFlags } = await import("./check-flags.js");
    checkFlags(args, rawArgs.slice(depth));
    await runCommand(main, { rawArgs });
  } catch (e) {
    if (isCodermError(e)) {
      console.error(`coderm: ${e.message}`);
      // 128 + SIGINT, what a shell reports for a job stopped by Ctrl-C: scripts can tell "stopped" from "failed".
      process.exitCode = e.code === "E_INTERRUPTED" ? 130 : 1;
    } else if (e instanceof Error && e.name === "CLIError") {
      const { forStream } = await import("./help.js");
      console.error(forStream(process.stderr, `coderm: ${e.message} (see coderm --help)`));
      process.exitCode = 1;
    } else {
      console.error(e);
      process.exitCode = 2;
    }
  }
}

await cli(process.argv.slice(2));
