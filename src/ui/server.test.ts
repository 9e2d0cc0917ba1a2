import { appendFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordingReporter } from "../report/index.js";
import { RunRegistry, type Placement, type RunRecord } from "../runs/index.js";
import { tokenHeader } from "./access.js";
import type { UiActions } from "./actions.js";
import { startUiServer, type UiServer } from "./server.js";

const configYaml = (lr: number) =>
  `name: tiny\nmodel:\n  base: builtin:tiny\ntrain:\n  learning_rate: ${lr}\n  max_steps: 100\n`;

function trainLine(step: number, attempt = 1): string {
  const line = { ts: 1_700_000_000 + step, step, attempt, kind: "train", total_steps: 100 };
  return `${JSON.stringify({ ...line, loss: 5 - step / 100, lr: 1e-3, tokens: step * 64, tokens_per_s: 900 })}\n`;
}

const gpu = {
  host: "h1",
  reachable: true,
  error: null,
  index: 0,
  name: "A100",
  utilization_pct: 97,
  memory_used_mib: 30000,
  memory_total_mib: 81920,
  temperature_c: 60,
  power_w: 300,
  run_id: "r1",
};

/** Our own port, by hand: records what the page asked for. */
class RecordingActions implements UiActions {
  calls: string[] = [];
  constructor(private readonly registry: RunRegistry) {}
  async cancel(runId: string): Promise<RunRecord> {
    this.calls.push(`cancel ${runId}`);
    return this.registry.get(runId);
  }
  async resume(runId: string): Promise<RunRecord> {
    this.calls.push(`resume ${runId}`);
    return this.registry.get(runId);
  }
}

describe("the ui server", () => {
  let registry: RunRegistry;
  let server: UiServer;
  let actions: RecordingActions;
  let runs: RunRecord[];
  let probed: (string[] | undefined)[];
  const token = "test-token-0123456789";
  const get = (p: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${server.port}${p}`, {
      headers: { cookie: `tunectl_ui=${token}`, ...headers },
    });

  beforeEach(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tunectl-ui-"));
    registry = new RunRegistry(dir);
    runs = [];
    for (const lr of [0.001, 0.003]) {
      const run = await registry.create({
        name: "tiny",
        configYaml: configYaml(lr),
        model: "builtin:tiny",
        image: "img",
        gpus_requested: 0,
        labels: { sweep: "s1" },
      });
      const lines = Array.from({ length: 5000 }, (_, i) => trainLine(i + 1)).join("");
      await writeFile(registry.paths(run.id).metrics, lines);
      await mkdir(registry.paths(run.id).logs, { recursive: true });
      await writeFile(registry.paths(run.id).attemptLog(1), "line one\nline two\n");
      runs.push(run);
    }
    actions = new RecordingActions(registry);
    probed = [];
    server = await startUiServer({
      registry,
      actions,
      sources: {
        gpus: async (hosts) => {
          probed.push(hosts);
          return [
            gpu,
            { ...gpu, index: 1, run_id: null },
            { ...gpu, index: 2, run_id: runs[0]!.id },
          ];
        },
        sweeps: async () => [],
      },
      token,
      port: 0,
      reporter: new RecordingReporter(),
      pointLimit: 500,
      webDir: path.join(dir, "web"),
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it("prints a URL on 127.0.0.1 that carries the token", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
  });

  it("refuses every request without the token with 403", async () => {
    for (const p of ["/", "/api/runs", `/api/runs/${runs[0]!.id}`, "/api/events", "/app.js"]) {
      const response = await fetch(`http://127.0.0.1:${server.port}${p}`);
      expect(response.status, p).toBe(403);
    }
  });

  it("lists the runs as rows with their latest step and loss, newest first", async () => {
    const body = (await (await get("/api/runs")).json()) as { runs: Record<string, unknown>[] };
    expect(body.runs.map((r) => r.id)).toEqual([runs[1]!.id, runs[0]!.id]);
    expect(body.runs[0]).toMatchObject({
      state: "pending",
      step: 5000,
      total_steps: 100,
      loss: 5 - 5000 / 100,
      tokens_per_s: 900,
      sweep: "s1",
      tags: ["sweep=s1"],
    });
  });

  it("downsamples a run's curves to the point limit, keeping where the stream goes on", async () => {
    const body = (await (await get(`/api/runs/${runs[0]!.id}/curves?axis=step`)).json()) as {
      metrics: Record<string, [number, number][]>;
      total_points: Record<string, number>;
      metrics_end: number;
      last_step: number;
    };
    expect(body.total_points.loss).toBe(5000);
    expect(body.metrics.loss!.length).toBeLessThanOrEqual(500);
    expect(body.metrics.loss![0]).toEqual([1, 5 - 1 / 100]);
    expect(body.metrics.loss!.at(-1)).toEqual([5000, 5 - 5000 / 100]);
    expect(body.metrics.eval_loss).toEqual([]);
    expect(body.last_step).toBe(5000);
    expect(body.metrics_end).toBeGreaterThan(0);
  });

  it("gives the run page its record, config and log tail", async () => {
    const id = runs[0]!.id;
    const page = (await (await get(`/api/runs/${id}`)).json()) as Record<string, unknown>;
    expect(page).toMatchObject({ run: { id }, summary: { id, steps: 5000 }, checkpoints: [] });
    expect(page.config).toContain("learning_rate: 0.001");
    const log = await (await get(`/api/runs/${id}/log`)).json();
    expect(log).toEqual({ attempt: 1, text: "line one\nline two\n", end: 18 });
  });

  it("compares runs: only the differing config keys, both curves", async () => {
    const ids = runs.map((r) => r.id).join(",");
    const body = (await (await get(`/api/compare?runs=${ids}`)).json()) as {
      diff: { key: string; values: unknown[] }[];
      curves: unknown[];
    };
    const keys = body.diff.map((row) => row.key);
    expect(keys).toContain("train.learning_rate");
    expect(keys).not.toContain("train.max_steps");
    expect(body.diff.find((row) => row.key === "train.learning_rate")!.values).toEqual([
      0.001, 0.003,
    ]);
    expect(body.curves).toHaveLength(2);
    const one = await get(`/api/compare?runs=${runs[0]!.id}`);
    expect(one.status).toBe(400);
  });

  it("serves the GPUs and sweeps the command wires in", async () => {
    const all = (await (await get("/api/gpus")).json()) as { gpus: unknown[] };
    expect(all.gpus).toHaveLength(3);
    expect(probed).toEqual([undefined]);
    expect(await (await get("/api/sweeps")).json()).toEqual({ sweeps: [] });
  });

  it("shows on a run's page only the GPUs it holds, probing only its host", async () => {
    const id = runs[0]!.id;
    const url = `/api/runs/${id}/gpus`;
    expect(await (await get(url)).json()).toEqual({ state: "unplaced" });
    expect(probed).toEqual([]);
    const launcher = { pid: 1, machine: "m" };
    await registry.apply(id, { type: "staging_started", attempt: 1, launcher });
    await registry.apply(id, { type: "placing_started", attempt: 1, launcher });
    const placement: Placement = { host: "h1", gpus: [2], runtime: "docker", host_dir: "/w" };
    await registry.apply(id, { type: "placed", attempt: 1, placement });
    await registry.apply(id, { type: "started", attempt: 1, handle: "c1" });
    const held = (await (await get(url)).json()) as { state: string; gpus: { index: number }[] };
    expect(probed).toEqual([["h1"]]);
    expect(held.state).toBe("held");
    expect(held.gpus.map((g) => g.index)).toEqual([2]);
  });

  it("streams a metric line appended to the run's metrics file", async () => {
    const id = runs[0]!.id;
    const { metrics_end } = (await (await get(`/api/runs/${id}/curves`)).json()) as {
      metrics_end: number;
    };
    const response = await get(`/api/runs/${id}/events?metrics=${metrics_end}&log=18`, {});
    const reader = response.body!.getReader();
    await appendFile(registry.paths(id).metrics, trainLine(5001));
    let text = "";
    while (!text.includes("event: metrics")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const data = text.split("event: metrics\ndata: ")[1]!.split("\n")[0]!;
    expect((JSON.parse(data) as { step: number }[]).map((l) => l.step)).toEqual([5001]);
  });

  it("runs an action only with the token in a header, through the given core call", async () => {
    const id = runs[0]!.id;
    const url = `http://127.0.0.1:${server.port}/api/runs/${id}/cancel`;
    const cookieOnly = await fetch(url, {
      method: "POST",
      headers: { cookie: `tunectl_ui=${token}` },
    });
    expect(cookieOnly.status).toBe(403);
    const foreign = await fetch(url, {
      method: "POST",
      headers: { [tokenHeader]: token, origin: "http://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(actions.calls).toEqual([]);
    const ok = await fetch(url, { method: "POST", headers: { [tokenHeader]: token } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ run: id, state: "pending" });
    expect(actions.calls).toEqual([`cancel ${id}`]);
    const unknown = await fetch(`http://127.0.0.1:${server.port}/api/runs/${id}/delete`, {
      method: "POST",
      headers: { [tokenHeader]: token },
    });
    expect(unknown.status).toBe(404);
  });
});
