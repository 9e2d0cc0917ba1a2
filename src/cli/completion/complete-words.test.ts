import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import type { App } from "../app.js";
import { commands } from "../commands/index.js";
import { completionScripts } from "./shell-scripts.js";
import { completeWords } from "./complete-words.js";

const app: App = { action: () => async () => {} };
const program = new Command("tunectl").option("--json").option("--workspace <dir>");
for (const register of commands) register(program, app);
const sources = {
  runIds: async () => ["tiny-cpu-20261201-090000-ab12", "alpaca-20261130-120000-cd34"],
  hostNames: async () => ["gpu-a", "gpu-b"],
};
const complete = (...words: string[]) => completeWords(program, words, sources);

describe("completeWords", () => {
  it("offers commands, never the hidden one", async () => {
    const { candidates } = await complete("");
    expect(candidates).toEqual(expect.arrayContaining(["run", "ps", "hosts", "completion"]));
    expect(candidates).not.toContain("__complete");
    expect((await complete("re")).candidates).toEqual(["resume"]);
  });

  it("offers a command's flags and the global ones", async () => {
    const { candidates } = await complete("run", "cfg.yaml", "--");
    expect(candidates).toEqual(expect.arrayContaining(["--host", "--set", "--json", "--help"]));
  });

  it("offers run ids for a run argument, host names after --host, files for a config", async () => {
    expect((await complete("show", "tiny")).candidates).toEqual(["tiny-cpu-20261201-090000-ab12"]);
    expect((await complete("resume", "x", "--host", "")).candidates).toEqual(["gpu-a", "gpu-b"]);
    expect(await complete("run", "")).toEqual({ candidates: [], files: true });
    expect((await complete("completion", "")).candidates).toEqual(["bash", "zsh", "fish"]);
  });

  it("export: run ids, its flags, a directory after --out", async () => {
    expect((await complete("export", "alp")).candidates).toEqual(["alpaca-20261130-120000-cd34"]);
    const flags = (await complete("export", "last", "--")).candidates;
    expect(flags).toEqual(
      expect.arrayContaining(["--out", "--checkpoint", "--merge", "--force", "--on-host"]),
    );
    expect(await complete("export", "last", "--out", "")).toEqual({ candidates: [], files: true });
  });

  it("skips an option's value when finding the command and its arguments", async () => {
    expect((await complete("--workspace", "ws", "logs", "")).candidates).toHaveLength(2);
  });
});

describe("the bash script", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-complete-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("completes through the built tunectl on PATH", () => {
    const bin = path.join(dir, "bin");
    spawnSync("mkdir", ["-p", bin]);
    const shim = path.join(bin, "tunectl");
    writeFileSync(
      shim,
      `#!/bin/sh\nexec "${process.execPath}" "${path.resolve("bin/tunectl.js")}" "$@"\n`,
    );
    chmodSync(shim, 0o755);
    writeFileSync(
      path.join(dir, "tunectl.yaml"),
      "hosts:\n  - {name: gpu-a, address: 10.0.0.1}\n  - {name: gpu-b, address: 10.0.0.2}\n",
    );
    const line = (words: string) =>
      `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _tunectl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const script = `${completionScripts.bash}\n${line("tunectl ch")}\necho ---\n${line("tunectl run x.yaml --host ''")}`;
    const result = spawnSync("bash", ["-c", script], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: dir },
    });
    expect(result.stdout).toBe("checkpoints\n---\ngpu-a\ngpu-b\n");
  });
});
