import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunRegistry, walkToRunning } from "../../runs/index.js";

// `logs -f` on a detached run nobody streams: the command follows it as `attach` does (the
// embedded `local` host, process runtime), prints the log as it arrives, and ends when the
// trainer's exit has been settled. Drives the built CLI.
const bin = path.resolve("bin", "tunectl.js");
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-logs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = "name: follow\ndata:\n  train:\n    - path: d.jsonl\n      format: alpaca\n";

describe("tunectl logs -f", () => {
  it("streams a running attempt from its host and ends once the run is settled", async () => {
    const registry = new RunRegistry(path.join(dir, ".tunectl"));
    const { id } = await registry.create({
      name: "follow",
      configYaml: config,
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    });
    const hostDir = path.join(dir, "host-work", "runs", id);
    const log = path.join(hostDir, "output", "logs", "attempt-1.log");
    mkdirSync(path.dirname(log), { recursive: true });
    writeFileSync(log, "first\n");
    // What the process runtime leaves on the host while its trainer runs: a pid file naming a
    // live process whose command line says trainer (a sleeping shell here: no training needed).
    const trainer = spawn("sh", ["-c", "sleep 600", "trainer"], { stdio: "ignore" });
    writeFileSync(path.join(hostDir, "attempt-1.pid"), `${trainer.pid}\n`);
    await walkToRunning(
      registry,
      id,
      { host: "local", gpus: [], runtime: "process", host_dir: hostDir },
      String(trainer.pid),
    );

    const child = spawn(process.execPath, [bin, "logs", id, "-f"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const until = async (text: string) => {
      const deadline = Date.now() + 10_000;
      while (!out.includes(text) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(out, err).toContain(text);
    };
    try {
      await until("first\n");
      appendFileSync(log, "second\n");
      await until("second\n");
      // the trainer's last words, then its exit as the runtime records it
      appendFileSync(log, "last words\n");
      writeFileSync(path.join(hostDir, "output", "status.json"), '{"state": "succeeded"}\n');
      writeFileSync(path.join(hostDir, "attempt-1.exit"), "0\n");
      trainer.kill("SIGKILL");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      trainer.kill("SIGKILL");
    }
    expect(out).toBe("first\nsecond\nlast words\n");
    expect((await registry.get(id)).state).toBe("succeeded");
  });
});
