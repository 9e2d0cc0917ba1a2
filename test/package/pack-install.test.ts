// The package as a user gets it: `npm pack` (which builds on prepack), `npm i -g` of the
// tarball into an empty prefix, and the installed `tunectl` run from a directory that is not
// the repository. Needs the npm registry (or a warm npm cache) for the dependencies; no testbed.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let scratch: string;
let tunectl: string;
let installed: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "tunectl-pack-"));
  const npmEnv = { ...process.env, npm_config_update_notifier: "false" };
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", scratch], {
    cwd: repoRoot,
    env: npmEnv,
    maxBuffer: 64 << 20,
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  const tarball = path.join(scratch, packed!.filename);
  const prefix = path.join(scratch, "prefix");
  await run(
    "npm",
    ["i", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", tarball],
    { cwd: scratch, env: npmEnv, maxBuffer: 64 << 20 },
  );
  tunectl = path.join(prefix, "bin", "tunectl");
  installed = path.join(prefix, "lib", "node_modules", "tunectl");
}, 600_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Run the installed CLI from an empty directory (no workspace, not the repository). */
function tunectlIn(args: string[]) {
  return run(tunectl, args, { cwd: scratch, env: { ...process.env, NO_COLOR: "1" } });
}

describe("the packed tarball installed with npm i -g", () => {
  it("prints package.json's version", async () => {
    const manifest = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8"));
    const { stdout } = await tunectlIn(["--version"]);
    expect(stdout.trim()).toBe(manifest.version);
  });

  it("validates an example experiment shipped in the package", async () => {
    const { stdout } = await tunectlIn([
      "validate",
      path.join(installed, "configs", "alpaca-lora.yaml"),
      "--json",
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true });
  });

  it("validates the demo experiment and ships the trainer it launches", async () => {
    const { stdout } = await tunectlIn([
      "validate",
      path.join(installed, "configs", "tiny-cpu.yaml"),
      "--json",
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true });
    await expect(
      readFile(path.join(installed, "scripts/trainer/trainer/__main__.py"), "utf8"),
    ).resolves.toContain("trainer");
    await expect(readFile(path.join(installed, "Dockerfile"), "utf8")).resolves.toContain("AS cpu");
  });
});
