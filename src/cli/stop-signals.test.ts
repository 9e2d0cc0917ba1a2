// SIGTERM (kill, systemd, a CI runner) and SIGHUP (the terminal closed) stop tunectl the way
// Ctrl-C does: exit 130, the run left as it was, the command's own cleanup done.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunRegistry, walkToRunning } from "../runs/index.js";
import { UserWorkspace } from "./testing/user-workspace.js";

let ws: UserWorkspace;
beforeEach(() => void (ws = new UserWorkspace()));
afterEach(() => ws.remove());

async function stopWith(signal: NodeJS.Signals, args: string[], ready: string) {
  const child = ws.start(...args);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    const deadline = Date.now() + 15_000;
    while (!output.includes(ready) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(output).toContain(ready);
    child.kill(signal);
    return { code: await exited, output };
  } finally {
    child.kill("SIGKILL");
  }
}

describe("stop signals", () => {
  for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
    it(`${signal} ends watch with exit 130`, async () => {
      const { code } = await stopWith(signal, ["watch", "--interval", "1"], "active run(s)");
      expect(code).toBe(130);
    });
  }

  it("SIGTERM ends logs -f with exit 130 and leaves the run running", async () => {
    const registry = new RunRegistry(ws.file(".tunectl"));
    const { id } = await registry.create({
      name: "follow",
      configYaml: "name: follow\ndata:\n  train: [{path: data.jsonl, format: alpaca}]\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    });
    const hostDir = ws.file(`host-work/runs/${id}`);
    const log = path.join(hostDir, "output", "logs", "attempt-1.log");
    mkdirSync(path.dirname(log), { recursive: true });
    writeFileSync(log, "step 1\n");
    await walkToRunning(registry, id, {
      host: "local",
      gpus: [],
      runtime: "process",
      host_dir: hostDir,
    });
    const { code, output } = await stopWith("SIGTERM", ["logs", id, "-f"], "step 1");
    expect(code).toBe(130);
    expect(output).not.toContain("internal error");
    expect((await registry.get(id)).state).toBe("running");
  });
});
