// What a user gets wrong, and what goes wrong under them: each refusal has a clear message and
// DESIGN's exit code, and leaves no lease and no run that is not ended behind.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activeStates,
  launchWorkspace,
  ourLeases,
  shortRun,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
} from "./launch-workspace.js";

let ws: LaunchWorkspace;

beforeAll(async () => {
  ws = await launchWorkspace();
});

function errorOf(result: CliResult): { code: string; message: string; problems: unknown[] } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string; problems: [] } })
    .error;
}

async function nothingLeftActive(host: string): Promise<void> {
  for (const run of await ws.runs()) expect(activeStates).not.toContain(run.state);
  expect(await ourLeases(ws, host)).toEqual([]);
}

async function runIds(dir: string): Promise<string[]> {
  return readdir(path.join(dir, ".tunectl", "runs")).catch(() => []);
}

describe("refused before anything is created", () => {
  it("an unknown host: exit 2 with the workspace's hosts", async () => {
    const result = await ws.tunectl(["run", tinyConfig, "--host", "nope", ...shortRun]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown host "nope"');
    expect(result.stderr).toContain("h1, h2, h3");
    expect(await runIds(ws.dir)).toEqual([]);
  });

  it("a changed host key: exit 3 naming both fingerprints, no run created", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tunectl-hostkey-"));
    await writeFile(
      path.join(dir, "tunectl.yaml"),
      await readFile(path.join(ws.dir, "tunectl.yaml")),
    );
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "other")]);
    const other = (await readFile(path.join(dir, "other.pub"), "utf8")).split(" ");
    const address = ws.testbed.host("h3").address;
    const lines = (await readFile(ws.testbed.knownHosts, "utf8")).split("\n");
    const recorded = lines.find((line) => line.startsWith(`${address} `))!;
    await writeFile(
      path.join(dir, "known_hosts"),
      lines
        .map((line) => (line === recorded ? `${address} ${other[0]} ${other[1]}` : line))
        .join("\n"),
    );
    const fingerprint = (file: string) =>
      execFileSync("ssh-keygen", ["-lf", file], { encoding: "utf8" }).split(" ")[1]!;
    await writeFile(path.join(dir, "real.pub"), `${recorded.split(" ").slice(1).join(" ")}\n`);
    const real = fingerprint(path.join(dir, "real.pub"));
    const fake = fingerprint(path.join(dir, "other.pub"));

    const { cli } = await import("./launch-workspace.js");
    const result = await cli(
      ["run", tinyConfig, "--host", "h3", ...shortRun],
      dir,
      ws.testbed.env(),
      60_000,
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("CHANGED host key");
    expect(result.stderr).toContain(real);
    expect(result.stderr).toContain(fake);
    expect(await runIds(dir)).toEqual([]);
    // the refused key was not written over the recorded one
    expect(await readFile(path.join(dir, "known_hosts"), "utf8")).toContain(other[1]);
  });

  it("an unreachable host: exit 3 naming it, no run created", async () => {
    await ws.testbed.cut("h2");
    let result: CliResult;
    try {
      result = await ws.tunectl(["run", tinyConfig, "--host", "h2", ...shortRun, "--json"], {
        timeoutMs: 120_000,
      });
    } finally {
      await ws.testbed.restore("h2");
    }
    expect(result.code).toBe(3);
    expect(errorOf(result)).toMatchObject({ code: "ssh.unreachable" });
    expect(errorOf(result).message).toContain("h2");
    expect(await runIds(ws.dir)).toEqual([]);
  });
});

describe("refused on the host", () => {
  // The image is the experiment's resources.image: a user error (exit 2), said in the runtime's
  // words, caught only on the host; the run is recorded failed with that reason. A registry on
  // a closed loopback port keeps the failed pull off the network.
  it("a missing image: exit 2, runtime.image_missing; the run is failed, nothing held", async () => {
    const result = await ws.tunectl([
      "run",
      tinyConfig,
      "--host",
      "h2",
      ...shortRun,
      "--set",
      "resources.image=localhost:1/nope:latest",
      "--name",
      "no-image",
      "--json",
    ]);
    expect(result.code).toBe(2);
    const error = errorOf(result);
    expect(error.code).toBe("runtime.image_missing");
    expect(JSON.stringify(error)).toContain("localhost:1/nope:latest");
    const runs = await ws.runs();
    const run = runs.find((r) => r.id.startsWith("no-image-"))!;
    expect(run.state).toBe("failed");
    expect(run.attempts[0]!.error!.code).toBe(error.code);
    await nothingLeftActive("h2");
  });

  it("too little disk: exit 3 with a disk message naming the host", async () => {
    const result = await ws.tunectl([
      "run",
      tinyConfig,
      "--host",
      "h2",
      ...shortRun,
      "--set",
      "resources.min_disk_gb=100000",
      "--json",
    ]);
    expect(result.code).toBe(3);
    const error = errorOf(result);
    expect(error.code).toBe("host.disk_full");
    expect(error.message).toContain("disk too small on h2");
    expect(`${error.message} ${JSON.stringify(error.problems)}`).toContain("h2");
    await nothingLeftActive("h2");
  });

  it("GPUs where the host has none: exit 2, placement.too_few_gpus naming h2's GPUs, no run", async () => {
    const before = await runIds(ws.dir);
    const result = await ws.tunectl([
      "run",
      tinyConfig,
      "--host",
      "h2",
      ...shortRun,
      "--set",
      "resources.gpus=1",
      "--json",
    ]);
    expect(result.code).toBe(2);
    const error = errorOf(result);
    expect(error.code).toBe("placement.too_few_gpus");
    expect(error.message).toContain("resources.gpus");
    expect(JSON.stringify(error.problems)).toContain("h2: 0 GPU(s), 1 requested");
    expect(await runIds(ws.dir)).toEqual(before);
    await nothingLeftActive("h2");
  });

  it("resume --host the workspace lacks: exit 2, no attempt added", async () => {
    const failed = (await ws.runs()).find((run) => run.state === "failed")!;
    const result = await ws.tunectl(["resume", failed.id, "--host", "nope", "--json"]);
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: "hosts.unknown" });
    const after = (await ws.runs()).find((run) => run.id === failed.id)!;
    expect(after.attempts).toHaveLength(failed.attempts.length);
  });
});

afterAll(async () => {
  // never leave h2 cut for the next file, whatever happened above
  await ws.testbed.restore("h2").catch(() => undefined);
});
