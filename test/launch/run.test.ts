// `tunectl run` on the testbed as a user runs it: in the foreground on h1 (followed to the end)
// and, at the same time, detached on h2 and watched with `ps` until it is no longer active.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  activeStates,
  detachedId,
  launchWorkspace,
  shortRun,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
  type RunJson,
} from "./launch-workspace.js";

interface PsRow {
  id: string;
  state: string;
  host: string | null;
}

let ws: LaunchWorkspace;
let foreground: CliResult;
let fgRun: RunJson;
let detached: CliResult;
let detachedRunId: string;
const psStates: string[] = [];

beforeAll(async () => {
  ws = await launchWorkspace();
  const fg = ws.tunectl(["run", tinyConfig, "--host", "h1", ...shortRun]);
  detached = await ws.tunectl([
    "run",
    tinyConfig,
    "--host",
    "h2",
    ...shortRun,
    "--detach",
    "--json",
  ]);
  expect(detached.code, detached.stderr).toBe(0);
  detachedRunId = detachedId(detached);
  for (let i = 0; i < 120; i++) {
    const ps = await ws.tunectl(["ps", "--json"]);
    expect(ps.code, ps.stderr).toBe(0);
    const row = (JSON.parse(ps.stdout) as { runs: PsRow[] }).runs.find(
      (r) => r.id === detachedRunId,
    );
    if (!row) break;
    psStates.push(row.state);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  foreground = await fg;
  const runs = await ws.runs();
  fgRun = runs.find((run) => run.id !== detachedRunId)!;
}, 400_000);

describe("run in the foreground on h1", () => {
  it("follows the run to succeeded and exits 0", async () => {
    expect(foreground.code, foreground.stderr).toBe(0);
    expect(fgRun.state).toBe("succeeded");
    expect(foreground.stderr).toContain(`run ${fgRun.id} succeeded`);
  });

  it("records one attempt on h1 with docker, exit 0 at the last step", () => {
    expect(fgRun.attempts).toHaveLength(1);
    const [attempt] = fgRun.attempts;
    expect(attempt).toMatchObject({
      n: 1,
      state: "succeeded",
      host: "h1",
      runtime: "docker",
      gpus: [],
      exit_code: 0,
      final_step: 6,
      host_dir: path.posix.join(ws.testbed.host("h1").workdir, "runs", fgRun.id),
    });
    expect(Date.parse(attempt!.ended_at!)).toBeGreaterThanOrEqual(Date.parse(attempt!.started_at!));
  });

  it("leaves both checkpoints with manifests and a succeeded status in the host's output", async () => {
    const out = path.posix.join(fgRun.attempts[0]!.host_dir!, "output");
    const status = await ws.testbed.ssh("h1", `cat ${out}/status.json`);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: "succeeded", step: 6 });
    const listed = await ws.testbed.ssh("h1", `ls ${out}/checkpoints`);
    expect(listed.stdout.trim().split("\n")).toEqual(["step-3", "step-6"]);
    const manifest = await ws.testbed.ssh("h1", `cat ${out}/checkpoints/step-6/manifest.json`);
    expect(JSON.parse(manifest.stdout)).toMatchObject({ step: 6 });
  });

  it("has the host's metrics.jsonl byte for byte in the registry", async () => {
    const local = await readFile(path.join(ws.dir, ".tunectl/runs", fgRun.id, "metrics.jsonl"));
    const remote = await ws.testbed.ssh(
      "h1",
      `cat ${path.posix.join(fgRun.attempts[0]!.host_dir!, "output/metrics.jsonl")}`,
    );
    expect(remote.code).toBe(0);
    expect(local.toString("utf8")).toBe(remote.stdout);
    const kinds = remote.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds.filter((kind) => kind === "train")).toHaveLength(6);
    expect(kinds).toContain("eval");
    expect(kinds.at(-1)).toBe("summary");
  });

  it("show --json agrees with run.json, the resolved config and the events", async () => {
    const show = await ws.tunectl(["show", fgRun.id, "--json"]);
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout) as {
      run: RunJson;
      config: { name: string; train: { max_steps: number } };
      events: { type: string; data?: { from?: string; to?: string } }[];
    };
    expect(shown.run).toEqual(fgRun);
    expect(shown.config.name).toBe("tiny-cpu");
    expect(shown.config.train.max_steps).toBe(6);
    const states = shown.events
      .filter((e) => e.data?.to !== undefined && e.data.to !== e.data.from)
      .map((e) => e.data?.to);
    expect(states).toEqual(["staging", "placing", "launching", "running", "succeeded"]);
  });

  it("copies the checkpoints into the registry", async () => {
    for (const step of [3, 6]) {
      const manifest = JSON.parse(
        await readFile(
          path.join(ws.dir, ".tunectl/runs", fgRun.id, `checkpoints/step-${step}/manifest.json`),
          "utf8",
        ),
      ) as { step: number };
      expect(manifest.step).toBe(step);
    }
  });
});

describe("export --merge --on-host of the h1 run", () => {
  it("runs the trainer's export in h1's docker image and copies home a model from_pretrained loads", async () => {
    const out = path.join(ws.dir, "merged");
    const exported = await ws.tunectl(
      ["export", fgRun.id, "--merge", "--on-host", "--out", out, "--json"],
      { timeoutMs: 240_000 },
    );
    expect(exported.code, exported.stderr).toBe(0);
    const result = JSON.parse(exported.stdout) as { step: number };
    expect(result).toMatchObject({ run: fgRun.id, merged: true, where: "host" });
    expect([3, 6]).toContain(result.step);
    expect(readdirSync(out)).toEqual(
      expect.arrayContaining(["config.json", "model.safetensors", "tokenizer.json"]),
    );
    // nothing of the export is left in the run's directory on h1
    const left = await ws.testbed.ssh(
      "h1",
      `ls ${ws.testbed.host("h1").workdir}/runs/${fgRun.id}/output/exports 2>/dev/null | wc -l`,
    );
    expect(left.stdout.trim()).toBe("0");
    const python =
      process.env.TUNECTL_TRAINER_PYTHON ??
      execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" })
        .trim()
        .split("\n")
        .pop()!;
    const loaded = execFileSync(
      python,
      [
        "-c",
        "import sys, json; from transformers import AutoModelForCausalLM, AutoTokenizer; " +
          "m = AutoModelForCausalLM.from_pretrained(sys.argv[1]); t = AutoTokenizer.from_pretrained(sys.argv[1]); " +
          "print(json.dumps({'type': m.config.model_type, 'lora': any('lora' in n for n, _ in m.named_parameters()), 'ids': len(t('hi')['input_ids'])}))",
        out,
      ],
      { encoding: "utf8", env: { ...process.env, HF_HUB_OFFLINE: "1" } },
    );
    expect(JSON.parse(loaded.trim().split("\n").pop()!)).toEqual({
      type: "llama",
      lora: false,
      ids: expect.any(Number),
    });
  }, 300_000);
});

describe("run --detach on h2, then ps until it ends", () => {
  it("returns a running run at once", () => {
    expect(JSON.parse(detached.stdout)).toMatchObject({ state: "running", host: "h2" });
  });

  it("ps saw it active and reconciled it to succeeded with the host", async () => {
    expect(psStates.length).toBeGreaterThan(0);
    for (const state of psStates) expect(activeStates).toContain(state);
    const run = await ws.run(detachedRunId);
    expect(run.state).toBe("succeeded");
    expect(run.attempts[0]).toMatchObject({ state: "succeeded", exit_code: 0, final_step: 6 });
    const all = await ws.tunectl(["ps", "--all", "--json"]);
    const row = (JSON.parse(all.stdout) as { runs: PsRow[] }).runs.find(
      (r) => r.id === detachedRunId,
    );
    expect(row).toMatchObject({ state: "succeeded", host: "h2" });
  });

  it("logs shows the trainer's log", async () => {
    const logs = await ws.tunectl(["logs", detachedRunId]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`run ${detachedRunId} attempt 1`);
    expect(logs.stdout).toMatch(/finished 6 steps/);
  });
});
