import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { hostLayout } from "./host-layout.js";
import { processRuntime } from "./process-runtime.js";

// A stand-in "trainer": a shell script that records its environment and exits 75 on SIGTERM.
const fakeTrainer = `#!/bin/sh
env > "$OUT/env.txt"
trap 'echo stopped; exit 75' TERM
echo started
while :; do sleep 0.1; done
`;

async function waitFor(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("process runtime on the local host", () => {
  it("starts detached, passes hostile env values literally, removes the env file, and reports the exit", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "tunectl-process-"));
    const canary = path.join(root, "CANARY");
    const trainer = path.join(root, "trainer");
    writeFileSync(trainer, fakeTrainer, { mode: 0o755 });
    const host = new LocalHost("local", root);
    const layout = hostLayout(path.join(root, "work"), "r-20260101-000000-abcd");
    const hostile = `$(touch ${canary}) \`touch ${canary}\`; touch ${canary} 'q' "d"`;
    const handle = await processRuntime.start(host, {
      runId: "r",
      attempt: 1,
      image: "unused",
      layout,
      dataDir: root,
      gpus: [0],
      shmSize: "1g",
      python: trainer, // run the stand-in instead of python: argv is `<python> -m trainer ...`
      env: { OUT: root, HOSTILE: hostile },
    });
    expect(handle).toMatch(/^\d+$/);
    expect((await processRuntime.probe(host, handle, layout, 1)).state).toBe("running");
    await waitFor(async () =>
      readFileSync(path.join(root, "env.txt"), "utf8").includes("HOSTILE="),
    );
    const env = readFileSync(path.join(root, "env.txt"), "utf8");
    expect(env).toContain(`HOSTILE=${hostile}`);
    expect(env).toContain("CUDA_VISIBLE_DEVICES=0");
    expect(existsSync(canary)).toBe(false);
    expect(existsSync(layout.envFile(1))).toBe(false);

    await processRuntime.stop(host, handle);
    await waitFor(
      async () => (await processRuntime.probe(host, handle, layout, 1)).state === "exited",
    );
    expect(await processRuntime.probe(host, handle, layout, 1)).toEqual({
      state: "exited",
      exitCode: 75,
    });
    expect(readFileSync(layout.attemptLog(1), "utf8")).toContain("stopped");
  });
});
