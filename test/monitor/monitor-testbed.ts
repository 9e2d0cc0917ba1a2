// Shared by the monitor integration tests: a registry run whose attempt lives on a testbed host,
// and a child process streaming it with the built code.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { RunRegistry, walkToRunning } from "../../src/runs/index.js";
import { repoRoot, runCommand, type Testbed } from "../setup/testbed.js";

export async function builtCode(): Promise<void> {
  if (existsSync(path.join(repoRoot, "dist/monitor/index.js"))) return;
  const result = await runCommand("npx", ["tsc", "-p", "tsconfig.build.json"], {
    timeoutMs: 240_000,
  });
  if (result.code !== 0) throw new Error(`build failed: ${result.stdout}${result.stderr}`);
}

export async function runOnHost(tb: Testbed, hostName: string) {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), "tunectl-monitor-it-"));
  const registry = new RunRegistry(stateDir);
  const run = await registry.create({
    name: "monitor-it",
    configYaml: "name: monitor-it\n",
    model: "builtin:tiny",
    image: tb.image,
    gpus_requested: 0,
  });
  const hostDir = path.posix.join(tb.host(hostName).workdir, "runs", run.id);
  await walkToRunning(registry, run.id, {
    host: hostName,
    gpus: [],
    runtime: "process",
    host_dir: hostDir,
  });
  const mk = await tb.ssh(
    hostName,
    `mkdir -p '${hostDir}/output/logs' '${hostDir}/output/checkpoints'`,
  );
  if (mk.code !== 0) throw new Error(`mkdir on ${hostName}: ${mk.stderr}`);
  return { stateDir, registry, runId: run.id, hostDir };
}

/**
 * Lines `{"ts":..,"step":i,...}` to metrics.jsonl, `log line i` to the log and every tenth step
 * a generations line, every `everyMs`.
 */
export function writerScript(hostDir: string, lines: number, everyMs: number): string {
  const out = `${hostDir}/output`;
  const sleep = (everyMs / 1000).toFixed(3);
  return (
    `nohup sh -c 'i=0; while [ $i -lt ${lines} ]; do ` +
    `printf "{\\"ts\\": %s, \\"step\\": %d, \\"total_steps\\": ${lines}, \\"loss\\": 1.5, \\"kind\\": \\"train\\"}\\n" "$(date +%s)" $i >> ${out}/metrics.jsonl; ` +
    `printf "log line %d of the trainer\\n" $i >> ${out}/logs/attempt-1.log; ` +
    `[ $((i % 10)) -eq 0 ] && printf "{\\"ts\\": %s, \\"step\\": %d, \\"attempt\\": 1, \\"prompt_id\\": \\"p\\", \\"prompt\\": \\"Say hi.\\", \\"output\\": \\"hi %d\\"}\\n" "$(date +%s)" $i $i >> ${out}/generations.jsonl; ` +
    `i=$((i+1)); sleep ${sleep}; done; touch ${out}/writer.done' >/dev/null 2>&1 &`
  );
}

export interface StreamChild {
  child: ChildProcess;
  events: Array<{ code: string; message?: string }>;
  exited: Promise<number | null>;
}

export function startStreamChild(
  tb: Testbed,
  stateDir: string,
  runId: string,
  hostName: string,
  hostDir: string,
): Promise<StreamChild> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, "test/monitor/stream-child.mjs"),
      tb.workspaceDir,
      stateDir,
      runId,
      "1",
      hostName,
      hostDir,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const events: StreamChild["events"] = [];
  let buffered = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line) as { code: string };
        events.push(event);
        if (event.code === "child.started") resolve({ child, events, exited });
      }
    });
    void exited.then((code) => reject(new Error(`stream child exited ${code} before starting`)));
  });
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
