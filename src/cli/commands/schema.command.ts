/** `vitrine schema print [--out FILE]`: the GraphQL schema as committed in schema.graphql. */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";

export function registerSchemaCommands(program: Command): void {
  program
    .command("schema")
    .description("Print the GraphQL schema")
    .command("print")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (opts: { out?: string }) => {
      const { printVitrineSchema } = await import("../../graphql/schema.ts");
      const sdl = printVitrineSchema();
      if (opts.out) await writeFile(opts.out, sdl);
      else process.stdout.write(sdl);
    });
}
