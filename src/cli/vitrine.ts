/**
 * The `vitrine` command line: one sub-command per concern, each in cli/commands/*.command.ts.
 * Every command reads the same typed config (config/config.ts).
 */
import "reflect-metadata";
import { Command } from "commander";
import { loadConfig, type Config } from "../config/config.ts";
import { registerModelCommands } from "./commands/model.command.ts";
import { registerApiKeyCommands } from "./commands/apikey.command.ts";
import { registerImportCommand } from "./commands/import.command.ts";
import { registerSchemaCommands } from "./commands/schema.command.ts";
import { registerServeCommand } from "./commands/serve.command.ts";
import { registerWorkerCommands } from "./commands/worker.command.ts";
import { registerBenchCommand } from "./commands/bench.command.ts";
import { registerExportCommand } from "./commands/export.command.ts";
import { registerEvalCommand } from "./commands/eval.command.ts";

export async function main(argv: readonly string[]): Promise<void> {
  let config: Config | undefined;
  const getConfig = (): Config => (config ??= loadConfig());
  const program = new Command("vitrine").description("GraphQL API over an art catalogue, with image + metadata similarity");
  registerServeCommand(program, getConfig);
  registerImportCommand(program, getConfig);
  registerApiKeyCommands(program, getConfig);
  registerWorkerCommands(program, getConfig);
  registerModelCommands(program, getConfig);
  registerExportCommand(program, getConfig);
  registerBenchCommand(program);
  registerEvalCommand(program, getConfig);
  registerSchemaCommands(program);
  program.showHelpAfterError();
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    process.stderr.write(`vitrine: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
