// `npm run demo` as on a fresh clone: the committed tree exported to a temporary directory,
// built there, and the demo run end to end on the embedded default (host `local`, storage
// .tunectl/store, the process runtime), with a short training.
import { execSync } from "node:child_process";
import { mkdtemp, readFile, readdir, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseGenerationLines } from "../../src/contract/index.js";
import { repoRoot, runCommand, type CommandResult } from "../setup/testbed.js";
import type { RunJson } from "./launch-workspace.js";

let clone: string;
let demo: CommandResult;
let runs: RunJson[];

beforeAll(async () => {
  clone = await mkdtemp(path.join(os.tmpdir(), "tunectl-demo-"));
  execSync(`git archive HEAD | tar -x -C ${JSON.stringify(clone)}`, { cwd: repoRoot });
  await symlink(path.join(repoRoot, "node_modules"), path.join(clone, "node_modules"));
  // the demo's own environment: no testbed engine, no bucket credentials
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const name of ["DOCKER_HOST", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]) {
    delete env[name];
  }
  const build = await runCommand("npm", ["--prefix", clone, "run", "build"], {
    env,
    timeoutMs: 240_000,
  });
  expect(build.code, build.stderr + build.stdout).toBe(0);
  demo = await runCommand(
    "bash",
    [
      "-c",
      `cd ${JSON.stringify(clone)} && npm run demo -- --set train.max_steps=6 --set train.save_steps=3 --set train.eval_steps=3`,
    ],
    { env, timeoutMs: 300_000 },
  );
  const runsDir = path.join(clone, ".tunectl/runs");
  runs = await Promise.all(
    (await readdir(runsDir).catch(() => [] as string[])).map(
      async (id) =>
        JSON.parse(await readFile(path.join(runsDir, id, "run.json"), "utf8")) as RunJson,
    ),
  );
}, 600_000);

describe("npm run demo in a fresh copy of the repository", () => {
  it("exits 0 with one succeeded run on the local host", () => {
    expect(demo.code, demo.stderr + demo.stdout).toBe(0);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.state).toBe("succeeded");
    expect(runs[0]!.attempts[0]).toMatchObject({ host: "local", exit_code: 0, final_step: 6 });
  });

  it("brought the checkpoints into the run's registry and says where things are", async () => {
    const id = runs[0]!.id;
    const manifest = JSON.parse(
      await readFile(
        path.join(clone, ".tunectl/runs", id, "checkpoints/step-6/manifest.json"),
        "utf8",
      ),
    ) as { step: number };
    expect(manifest.step).toBe(6);
    expect(demo.stdout).toContain(`.tunectl/runs/${id}/checkpoints/`);
  });

  it("ends with one prompt's answer before and after tuning, as the trainer wrote them", async () => {
    const id = runs[0]!.id;
    const local = await readFile(path.join(clone, ".tunectl/runs", id, "generations.jsonl"));
    const host = await readFile(
      path.join(clone, ".tunectl/hosts/local/runs", id, "output/generations.jsonl"),
    );
    expect(local.equals(host)).toBe(true); // streamed back byte for byte
    const { lines, rejected } = parseGenerationLines(local.toString("utf8"));
    expect(rejected).toEqual([]);
    const first = lines[0]!.prompt_id;
    const own = lines.filter((line) => line.prompt_id === first);
    expect(own.map((line) => line.step)).toEqual([0, 3, 6]);
    const [title, before, after] = demo.stdout.trimEnd().split("\n").slice(-3);
    expect(title).toMatch(new RegExp(`^Prompt ${first} \\(….*\\), answered greedily:$`));
    expect(before).toMatch(/^ {2}before tuning \(step 0\): +/);
    expect(before).toContain(JSON.stringify(own[0]!.output));
    expect(after).toMatch(/^ {2}after tuning \(step 6\): +/);
    expect(after).toContain(JSON.stringify(own[2]!.output));
  });
});
