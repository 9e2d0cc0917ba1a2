import { Argument } from "commander";
import type { RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";

const shells = ["bash", "zsh", "fish"];

export const registerCompletion: RegisterCommand = (program, app) => {
  program
    .command("completion")
    .description("print the shell completion script (commands, flags, run ids, host names)")
    .addArgument(new Argument("<shell>", "the shell").choices(shells))
    .addHelpText(
      "after",
      "\nExamples:\n" +
        '  eval "$(tunectl completion bash)"                       # in ~/.bashrc\n' +
        '  tunectl completion zsh > "${fpath[1]}/_tunectl"\n' +
        "  tunectl completion fish > ~/.config/fish/completions/tunectl.fish",
    )
    .action(
      app.action(async (ctx, shell: string) => {
        const { completionScripts } = await import("../completion/index.js");
        ctx.io.out(completionScripts[shell as keyof typeof completionScripts].trimEnd());
        return ExitCode.ok;
      }),
    );

  // What the scripts call: one candidate a line; silent and exit 0 whatever goes wrong.
  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action(
      app.action(async (ctx, words: string[] = []) => {
        const { completeWords } = await import("../completion/index.js");
        const completion = await completeWords(program, words.length > 0 ? words : [""], {
          runIds: async () => {
            try {
              return (await (await ctx.registry()).list()).map((run) => run.id);
            } catch {
              return [];
            }
          },
          hostNames: async () => {
            try {
              return (await ctx.workspace()).config.hosts.map((host) => host.name);
            } catch {
              return [];
            }
          },
        });
        const lines = [...completion.candidates, ...(completion.files ? [":files"] : [])];
        if (lines.length > 0) ctx.io.out(lines.join("\n"));
        return ExitCode.ok;
      }),
    );
};
