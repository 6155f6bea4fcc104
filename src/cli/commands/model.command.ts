import type { Command } from "commander";
import type { Config } from "../../config/config.ts";

/** `vitrine model generate|fetch|prepare` (filled in by the encoders work). */
export function registerModelCommands(program: Command, _getConfig: () => Config): void {
  program.command("model").description("Generate, fetch or prepare the ViTMAE image model");
}
