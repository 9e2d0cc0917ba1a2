import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { hubTokenizer, parseFiles, type HubEnv } from "./hub-tokenizer.js";
import { tinyTokenizerFiles } from "./tiny-tokenizer.js";
import { TrainerTokenizer, type TokenizerFiles } from "./trainer-tokenizer.js";

export type ModelTokenizer =
  | { kind: "ready"; name: string; tokenizer: TrainerTokenizer }
  | {
      kind: "unavailable";
      name: string;
      reason: string;
      /** What could not be read: a local path, the hub, or a name that is neither. */
      source: "path" | "hub" | "name";
    };

/** The trainer's own test for a hub id (backends/hf_load.py HUB_ID). */
const hubId = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/**
 * The tokenizer the trainer will load for `model.base`: builtin:tiny's (built here), a local
 * model directory's tokenizer.json, or a hub model's (cached). A path that is not on this
 * machine (a path on the GPU host) or a hub the machine cannot reach leaves the tokens
 * uncounted, with the reason: the trainer still counts them when it starts.
 */
export async function loadModelTokenizer(
  model: { base: string; revision?: string | undefined },
  options: { env: HubEnv; cwd: string },
): Promise<ModelTokenizer> {
  const name = model.base;
  const ready = (files: TokenizerFiles, source: "path" | "hub"): ModelTokenizer => {
    try {
      return { kind: "ready", name, tokenizer: new TrainerTokenizer(files) };
    } catch (error) {
      return {
        kind: "unavailable",
        name,
        reason: `its tokenizer.json cannot be loaded (${(error as Error).message})`,
        source,
      };
    }
  };
  if (name === "builtin:tiny") return ready(tinyTokenizerFiles(), "path");
  if (/^(\/|\.\/|\.\.\/|~)/.test(name)) {
    const dir = path.resolve(options.cwd, name.replace(/^~(?=$|\/)/, homedir()));
    const files = await readLocal(dir);
    return typeof files === "string"
      ? { kind: "unavailable", name, reason: files, source: "path" }
      : ready(files, "path");
  }
  if (!hubId.test(name))
    return {
      kind: "unavailable",
      name,
      reason: "neither a local path (/, ./, ../, ~) nor a hub id (owner/name)",
      source: "name",
    };
  const found = await hubTokenizer(name, model.revision ?? "main", options.env).catch(
    (error: Error) => ({ unavailable: `${name}: ${error.message}` }),
  );
  return "files" in found
    ? ready(found.files, "hub")
    : { kind: "unavailable", name, reason: found.unavailable, source: "hub" };
}

async function readLocal(dir: string): Promise<TokenizerFiles | string> {
  const read = (file: string) => readFile(path.join(dir, file), "utf8").catch(() => null);
  const tokenizer = await read("tokenizer.json");
  if (tokenizer === null)
    return `${dir}/tokenizer.json is not on this machine (a path on the GPU host is checked there, by the trainer)`;
  try {
    return parseFiles(
      tokenizer,
      await read("tokenizer_config.json"),
      await read("chat_template.jinja"),
    );
  } catch (error) {
    return `${dir}: ${(error as Error).message}`;
  }
}
