import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunRegistry, walkToRunning } from "../../runs/index.js";

// `logs -f` on a detached run nobody streams: the command streams from the host (the
// embedded `local` host here) and ends when the run does. Drives the built CLI.
const bin = path.resolve("bin", "tunectl.js");
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-logs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tunectl logs -f", () => {
  it("streams a running attempt from its host and stops when the run ends", async () => {
    const registry = new RunRegistry(path.join(dir, ".tunectl"));
    const { id } = await registry.create({
      name: "follow",
      configYaml: "name: follow\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    });
    const hostDir = path.join(dir, "host-work", "runs", id);
    const log = path.join(hostDir, "output", "logs", "attempt-1.log");
    mkdirSync(path.dirname(log), { recursive: true });
    writeFileSync(log, "first\n");
    await walkToRunning(registry, id, {
      host: "local",
      gpus: [],
      runtime: "process",
      host_dir: hostDir,
    });

    const child = spawn(process.execPath, [bin, "logs", id, "-f"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const until = async (text: string) => {
      const deadline = Date.now() + 10_000;
      while (!out.includes(text) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(out).toContain(text);
    };
    try {
      await until("first\n");
      appendFileSync(log, "second\n");
      await until("second\n");
      appendFileSync(log, "last words\n");
      await registry.apply(id, { type: "exited", attempt: 1, exit_code: 0 });
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    expect(out).toBe("first\nsecond\nlast words\n");
  });
});
