// Hostile strings where tunectl passes user text to shells and files: run names, env values,
// a data path, a host workdir and dataset field names, each carrying shell injections that
// would create a canary file. The canaries never appear (hosts share this machine's
// filesystem on the testbed, so one check covers the workstation and the hosts).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestbed, repoRoot } from "../setup/testbed.js";
import {
  builtCli,
  privateWorkspace,
  processRuntime,
  record,
  runNamed,
  tinyConfig,
  tunectl,
  writeResult,
} from "../faults/fault-kit.js";

const tb = loadTestbed();
let canaries: string;
let scratch: string;

/** Shell injections in every quoting context; each would touch `<canaries>/<tag>`. */
function payload(tag: string): string {
  const touch = `touch ${canaries}/${tag}`;
  return `x$(${touch})\`${touch}\`'; ${touch}; '"; ${touch}; "|${touch}&${touch};${touch} #`;
}

async function canariesMade(): Promise<string[]> {
  return readdir(canaries);
}

beforeAll(async () => {
  await builtCli();
  canaries = await mkdtemp(path.join(os.tmpdir(), "tunectl-canaries-"));
  scratch = await mkdtemp(path.join(os.tmpdir(), "tunectl-hostile-"));
});

async function line(attack: string, refused: boolean): Promise<void> {
  await writeResult("security", attack, `${attack} | refused ${refused ? "yes" : "no"}`);
}

/** An experiment on tiny-cpu whose data file sits under a hostile directory and carries hostile field names. */
async function hostileExperiment(): Promise<string> {
  const dataDir = path.join(scratch, payload("path"));
  await mkdir(dataDir, { recursive: true });
  const source = await readFile(
    path.join(repoRoot, "configs/data/tiny-instructions.jsonl"),
    "utf8",
  );
  const records = source
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) =>
      JSON.stringify({ ...(JSON.parse(l) as object), [payload("field")]: payload("field") }),
    );
  await writeFile(path.join(dataDir, "data.jsonl"), `${records.join("\n")}\n`);
  const file = path.join(scratch, "hostile.yaml");
  await writeFile(
    file,
    stringify({
      name: "hostile",
      extends: tinyConfig,
      data: { train: [{ path: path.join(dataDir, "data.jsonl"), format: "alpaca" }] },
      env: { EVIL: payload("env") },
      train: { max_steps: 2, save_steps: 2, eval_steps: 2 },
      retry: { max_restarts: 0 },
    }),
  );
  return file;
}

describe("hostile strings", () => {
  it("a hostile run name is refused before anything runs", async () => {
    const ws = await privateWorkspace(tb);
    const result = await tunectl(tb, ws, [
      "run",
      tinyConfig,
      "--host",
      "h1",
      "--name",
      payload("name"),
    ]);
    const made = await canariesMade();
    await line("hostile run name", result.code === 2 && !made.includes("name"));
    expect(result.code, result.stderr).toBe(2);
    expect(made).not.toContain("name");
    expect(existsSync(path.join(ws, ".tunectl", "runs"))).toBe(false);
  });

  it("hostile env values, data path and field names run as plain text (docker and process runtimes)", async () => {
    const experiment = await hostileExperiment();
    const ws = await privateWorkspace(tb, { h3: processRuntime });
    const [docker, processRun] = await Promise.all([
      tunectl(tb, ws, ["run", experiment, "--host", "h2", "--name", "hostile-docker"]),
      tunectl(tb, ws, ["run", experiment, "--host", "h3", "--name", "hostile-process"]),
    ]);
    const made = await canariesMade();
    const states = [
      (await record(ws, await runNamed(ws, "hostile-docker"))).state,
      (await record(ws, await runNamed(ws, "hostile-process"))).state,
    ];
    const ran = docker.code === 0 && processRun.code === 0;
    await line("hostile env values (docker, process)", ran && !made.includes("env"));
    await line("hostile local data path", ran && !made.includes("path"));
    await line("hostile dataset field names", ran && !made.includes("field"));
    expect(docker.code, docker.stderr).toBe(0);
    expect(processRun.code, processRun.stderr).toBe(0);
    expect(states).toEqual(["succeeded", "succeeded"]);
    expect(made).toEqual([]);
  });

  it("a hostile host workdir runs as plain text or is refused", async () => {
    const workdir = path.join(scratch, `work ${payload("workdir")}`);
    const ws = await privateWorkspace(tb, { h2: { workdir } });
    const result = await tunectl(tb, ws, [
      "run",
      tinyConfig,
      "--host",
      "h2",
      "--name",
      "hostile-workdir",
      "--set",
      "train.max_steps=2",
      "--set",
      "train.save_steps=2",
      "--set",
      "retry.max_restarts=0",
    ]);
    const made = await canariesMade();
    // Either outcome is safe; running must mean it really ran there.
    const outcome =
      result.code === 0
        ? (await record(ws, await runNamed(ws, "hostile-workdir"))).attempts[0]!.host_dir
        : result.code;
    await line(
      "hostile host workdir",
      !made.includes("workdir") && (result.code === 0 || result.code === 2),
    );
    expect(made).not.toContain("workdir");
    if (result.code === 0) expect(outcome).toContain(workdir);
    else expect(result.code, result.stderr).toBe(2);
  });
});
