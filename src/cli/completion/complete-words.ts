import type { Command, Option } from "commander";

/** Dynamic values a completion may need; read without touching any host or bucket. */
export interface CompletionSources {
  runIds(): Promise<string[]>;
  hostNames(): Promise<string[]>;
}

/** Candidates for the last word; `files` asks the shell to complete file names itself. */
export interface Completion {
  candidates: string[];
  files: boolean;
}

const runArguments = new Set(["run", "runs"]);
const fileArguments = new Set(["config", "spec", "file", "files", "path", "paths"]);

function visible(command: Command): Command[] {
  return command.commands.filter(
    (sub) => !(sub as unknown as { _hidden?: boolean })._hidden && !sub.name().startsWith("__"),
  );
}

function findOption(command: Command | undefined, word: string): Option | undefined {
  for (let at = command; at; at = at.parent ?? undefined) {
    const found = at.options.find((option) => option.long === word || option.short === word);
    if (found) return found;
  }
  return undefined;
}

function optionNames(command: Command): string[] {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) {
    for (const option of at.options) if (option.long) names.push(option.long);
  }
  return [...names, "--help"];
}

async function valuesFor(name: string, sources: CompletionSources): Promise<Completion> {
  if (runArguments.has(name)) return { candidates: await sources.runIds(), files: false };
  if (name === "host" || name === "hosts")
    return { candidates: await sources.hostNames(), files: false };
  return { candidates: [], files: fileArguments.has(name) || name === "dir" || name === "out" };
}

/**
 * What may come next on a tunectl command line: `words` are the words after `tunectl`, the
 * last one being completed (possibly ""). Commands and flags come from the commander tree,
 * so completion never falls behind the CLI; run ids from the registry, hosts from tunectl.yaml.
 */
export async function completeWords(
  program: Command,
  words: string[],
  sources: CompletionSources,
): Promise<Completion> {
  const current = words[words.length - 1] ?? "";
  let command = program;
  let positional = 0;
  for (let i = 0; i < words.length - 1; i++) {
    const word = words[i]!;
    if (word.startsWith("-")) {
      const option = findOption(command, word.split("=")[0]!);
      if (option && (option.required || option.optional) && !word.includes("=")) i += 1;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && positional === 0) command = sub;
    else positional += 1;
  }
  const previous = words[words.length - 2];
  const pending = previous?.startsWith("-") ? findOption(command, previous) : undefined;
  if (pending && (pending.required || pending.optional)) {
    if (pending.argChoices) return { candidates: pending.argChoices, files: false };
    // The flag says what it takes (`--host <name>`), its argument name what kind of value.
    const flag = pending.long?.replace(/^--/, "") ?? "";
    const argName = /<([^>]+)>|\[([^\]]+)\]/.exec(pending.flags);
    const completion = await valuesFor(
      flag === "host" || flag === "run" ? flag : (argName?.[1] ?? argName?.[2] ?? ""),
      sources,
    );
    return {
      ...completion,
      candidates: completion.candidates.filter((c) => c.startsWith(current)),
    };
  }
  const filter = (list: string[]) => list.filter((item) => item.startsWith(current));
  if (current.startsWith("-")) return { candidates: filter(optionNames(command)), files: false };
  const subs = visible(command);
  if (subs.length > 0 && positional === 0) {
    return { candidates: filter(subs.map((sub) => sub.name())), files: false };
  }
  const args = command.registeredArguments;
  const arg = args[Math.min(positional, args.length - 1)];
  if (!arg) return { candidates: [], files: false };
  if (arg.argChoices) return { candidates: filter(arg.argChoices), files: false };
  const completion = await valuesFor(arg.name(), sources);
  return { ...completion, candidates: filter(completion.candidates) };
}
