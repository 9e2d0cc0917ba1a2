import { mkdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../../runs/index.js";
import type { TokenizerFiles } from "./trainer-tokenizer.js";

/** The environment the hub is reached with; HF_TOKEN is sent to the hub and nowhere else. */
export interface HubEnv {
  HF_TOKEN?: string | undefined;
  HUGGING_FACE_HUB_TOKEN?: string | undefined;
  HF_ENDPOINT?: string | undefined;
  HF_HUB_OFFLINE?: string | undefined;
  XDG_CACHE_HOME?: string | undefined;
}

export type HubResult = { files: TokenizerFiles } | { unavailable: string };

const wanted = ["tokenizer.json", "tokenizer_config.json", "chat_template.jinja"] as const;
const timeoutMs = 30_000;

/** huggingface_hub's truthy spellings. */
const isOffline = (env: HubEnv) =>
  ["1", "on", "yes", "true"].includes((env.HF_HUB_OFFLINE ?? "").trim().toLowerCase());

/**
 * A hub model's tokenizer files from the user cache (`~/.cache/tunectl/tokenizers/`), fetched
 * once from HF_ENDPOINT (default the Hugging Face Hub) at `revision`. Each file is written
 * atomically and `complete.json` last, so concurrent tunectl processes only ever read a whole
 * cache entry (two fetching at once each write the same bytes).
 */
export async function hubTokenizer(id: string, revision: string, env: HubEnv): Promise<HubResult> {
  const endpoint = (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");
  const dir = path.join(
    env.XDG_CACHE_HOME || path.join(homedir(), ".cache"),
    "tunectl",
    "tokenizers",
    encodeURIComponent(new URL(endpoint).host),
    id.replace("/", "--"),
    encodeURIComponent(revision),
  );
  const cached = await readCached(dir);
  if (cached) return { files: cached };
  if (isOffline(env))
    return { unavailable: `${id}: its tokenizer is not in the cache and HF_HUB_OFFLINE is set` };
  const token = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN;
  const fetched: Record<string, string | null> = {};
  for (const name of wanted) {
    const url = `${endpoint}/${id}/resolve/${encodeURIComponent(revision)}/${name}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return { unavailable: `${id}: cannot reach ${endpoint} (${cause})` };
    }
    if (response.ok) fetched[name] = await response.text();
    else if (response.status === 404 && name !== "tokenizer.json") fetched[name] = null;
    else return { unavailable: `${id}: ${describeRefusal(response, name, Boolean(token))}` };
  }
  let files: TokenizerFiles;
  try {
    files = parseFiles(
      fetched["tokenizer.json"]!,
      fetched["tokenizer_config.json"] ?? null,
      fetched["chat_template.jinja"] ?? null,
    );
  } catch (error) {
    return { unavailable: `${id}: ${(error as Error).message}` };
  }
  await mkdir(dir, { recursive: true });
  for (const name of wanted) {
    const text = fetched[name];
    if (typeof text === "string") await writeFileAtomic(path.join(dir, name), text);
  }
  const present = wanted.filter((name) => typeof fetched[name] === "string");
  await writeFileAtomic(path.join(dir, "complete.json"), `${JSON.stringify({ files: present })}\n`);
  return { files };
}

function describeRefusal(response: Response, name: string, withToken: boolean): string {
  const code = response.headers.get("x-error-code");
  if (response.status === 401 || response.status === 403)
    return withToken
      ? `the hub refused HF_TOKEN for ${name} (${response.status}): is access to the model granted?`
      : `the hub needs a token for ${name} (${response.status}${code ? ` ${code}` : ""}): set HF_TOKEN`;
  if (response.status === 404)
    return code === "RepoNotFound"
      ? "no such model on the hub"
      : `the model has no ${name} at this revision`;
  return `the hub answered ${response.status} for ${name}`;
}

async function readCached(dir: string): Promise<TokenizerFiles | undefined> {
  let present: string[];
  try {
    present = (
      JSON.parse(await readFile(path.join(dir, "complete.json"), "utf8")) as { files: string[] }
    ).files;
  } catch {
    return undefined;
  }
  const read = async (name: string) =>
    present.includes(name) ? await readFile(path.join(dir, name), "utf8") : null;
  try {
    return parseFiles(
      (await read("tokenizer.json")) ?? "",
      await read("tokenizer_config.json"),
      await read("chat_template.jinja"),
    );
  } catch {
    return undefined; // a damaged entry is fetched again
  }
}

export function parseFiles(
  tokenizer: string,
  config: string | null,
  chatTemplate: string | null,
): TokenizerFiles {
  return {
    tokenizer: JSON.parse(tokenizer) as Record<string, unknown>,
    config: config === null ? {} : (JSON.parse(config) as Record<string, unknown>),
    ...(chatTemplate === null ? {} : { chatTemplate }),
  };
}
