import type { Command } from "commander";
import type { App, CommandContext, RegisterCommand } from "../app.js";

export const registerSchema: RegisterCommand = (program: Command, app: App) => {
  program
    .command("schema")
    .description("print the JSON Schema of the experiment file (for editors)")
    .action(app.action(schema));
};

async function schema(ctx: CommandContext) {
  const { experimentJsonSchema } = await import("../../config/index.js");
  ctx.io.json(experimentJsonSchema());
}
