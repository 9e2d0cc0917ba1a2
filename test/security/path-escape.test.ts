// Paths that try to leave their directory: checkpoint names, symlinks and manifest entries
// planted on a host, and `..` in object keys (a dataset path in the bucket layout). Nothing
// is written outside the run's registry directory or the bucket prefix, nothing is resumed.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walkTree } from "../setup/walk-tree.js";
import { loadWorkspace } from "../../src/config/index.js";
import { RecordingReporter } from "../../src/report/index.js";
import { createObjectStore, type ObjectStore } from "../../src/storage/index.js";
import { loadTestbed, repoRoot } from "../setup/testbed.js";
import {
  builtCli,
  localCheckpoints,
  privateWorkspace,
  record,
  runDir,
  runStarted,
  startTunectl,
  streamedStep,
  tinyConfig,
  tinySets,
  tunectl,
  waitFor,
  writeResult,
} from "../faults/fault-kit.js";

const tb = loadTestbed();
let ws: string;
let canaries: string;
let runId: string;
let store: ObjectStore;

beforeAll(async () => {
  await builtCli();
  Object.assign(process.env, tb.env());
  ws = await privateWorkspace(tb);
  canaries = await mkdtemp(path.join(os.tmpdir(), "tunectl-canaries-"));
  const workspace = await loadWorkspace({ dir: ws, cwd: ws, env: process.env });
  store = await createObjectStore(workspace.config.storage, {
    root: workspace.root,
    reporter: new RecordingReporter(),
  });
  // A run that failed after a checkpoint (its container killed): resumable, with a host dir.
  const attached = startTunectl(tb, ws, [
    "run",
    tinyConfig,
    "--host",
    "h2",
    "--name",
    "escape",
    ...tinySets(8, 2, ["retry.max_restarts=0"]),
  ]);
  runId = await runStarted(ws, "escape", attached);
  await waitFor(async () => (await streamedStep(ws, runId)) >= 3, 120_000, `${runId} step 3`);
  await tb.ssh("h2", `docker kill ${(await record(ws, runId)).attempts[0]!.handle}`);
  await attached.done;
});

afterAll(async () => {
  store?.close();
  // The planted symlinks (one to /) must not outlive the test: tools walking hosts' workdirs
  // would follow them.
  const hostDir = runId
    ? (await record(ws, runId).catch(() => undefined))?.attempts[0]?.host_dir
    : undefined;
  if (hostDir) await tb.ssh("h2", `rm -rf '${hostDir}/output/checkpoints'`, { timeoutMs: 30_000 });
});

/** Every symlink and every path under `dir` that resolves outside it. */
async function escapesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const { path: file, entry } of await walkTree(dir)) {
    if (entry.isSymbolicLink()) found.push(file);
    if (!path.resolve(file).startsWith(`${dir}${path.sep}`)) found.push(file);
  }
  return found;
}

describe("path escapes", () => {
  it("checkpoint names, symlinks and manifest paths from a host never leave the run directory", async () => {
    expect((await record(ws, runId)).state).toBe("failed");
    const ckpt = `${(await record(ws, runId)).attempts[0]!.host_dir}/output/checkpoints`;
    const zeros = "0".repeat(64);
    const manifest = (step: number, file: string) =>
      JSON.stringify({ step, metrics: {}, files: [{ path: file, size: 1, sha256: zeros }] });
    const planted = await tb.ssh(
      "h2",
      [
        "set -e",
        `cd ${ckpt}`,
        // a checkpoint that is a symlink to the host's keys
        `ln -s /root/.ssh step-90`,
        // a file symlinked to /etc/passwd
        `mkdir step-91 && ln -s /etc/passwd step-91/adapter_model.bin`,
        `printf '%s' '${manifest(91, "adapter_model.bin")}' > step-91/manifest.json`,
        // a manifest entry climbing out to the canary directory
        `mkdir step-92 && printf x > step-92/escaped`,
        `printf '%s' '${manifest(92, `../../../../../../../../../..${canaries}/escaped`)}' > step-92/manifest.json`,
        // a directory symlink inside a checkpoint
        `mkdir step-93 && ln -s / step-93/state`,
        `printf '%s' '${manifest(93, "state/etc/hostname")}' > step-93/manifest.json`,
        // names carrying shell commands (relative: a name cannot hold a slash)
        `mkdir 'step-94;touch pwned' && printf '{}' > 'step-94;touch pwned/manifest.json'`,
        `mkdir 'step-95$(touch pwned)' && printf '{}' > 'step-95$(touch pwned)/manifest.json'`,
      ].join("\n"),
    );
    expect(planted.code, planted.stderr).toBe(0);

    const sync = await tunectl(tb, ws, ["--json", "sync", runId]);
    const checkpoints = await tunectl(tb, ws, ["--json", "checkpoints", runId]);
    const resumes = await Promise.all(
      [90, 91, 92, 93].map((step) =>
        tunectl(tb, ws, ["resume", runId, "--from", String(step), "--detach"]),
      ),
    );
    const local = await localCheckpoints(ws, runId);
    const escapes = await escapesUnder(runDir(ws, runId));
    const bucketKeys: string[] = [];
    for await (const object of store.list(`runs/${runId}/checkpoints/`))
      bucketKeys.push(object.key);
    const canaryFiles = [
      ...(await readdir(canaries)),
      ...[ws, runDir(ws, runId), ckpt, "/root"].filter((dir) =>
        existsSync(path.join(dir, "pwned")),
      ),
    ];
    const after = await record(ws, runId);
    const listed = (JSON.parse(checkpoints.stdout) as Array<{ step: number }>).map((c) => c.step);

    const refused =
      sync.code === 0 &&
      resumes.every((r) => r.code === 2) &&
      after.attempts.length === 1 &&
      local.every((step) => step <= 8) &&
      listed.every((step) => step <= 8) &&
      escapes.length === 0 &&
      canaryFiles.length === 0 &&
      bucketKeys.every((key) => /\/step-[2468]\/[A-Za-z0-9_.-]+$/.test(key));
    await writeResult(
      "security",
      "checkpoint names and symlinks escaping the run directory",
      `checkpoint names and symlinks escaping the run directory | refused ${refused ? "yes" : "no"}`,
    );

    expect(sync.code, sync.stderr).toBe(0);
    const synced = JSON.parse(sync.stdout) as { checkpoints: { refused: Array<{ name: string }> } };
    expect(synced.checkpoints.refused.map((r) => r.name)).toEqual(
      expect.arrayContaining(["step-90", "step-91", "step-92", "step-93"]),
    );
    for (const resumed of resumes) expect(resumed.code, resumed.stderr).toBe(2);
    expect(after.attempts).toHaveLength(1);
    expect(local.every((step) => step <= 8)).toBe(true);
    expect(listed.every((step) => step <= 8)).toBe(true);
    expect(escapes).toEqual([]);
    expect(canaryFiles).toEqual([]);
    for (const key of bucketKeys) expect(key).toMatch(/\/step-[2468]\/[A-Za-z0-9_.-]+$/);
  });

  it("`..` in a dataset path of the bucket layout is refused, by the store and by resume", async () => {
    const s3Dir = path.join(repoRoot, ".testbed", "s3", tb.s3.bucket);
    const attempts = [
      () => store.put("datasets/../../escaped-put", "x"),
      () => store.put("datasets/x/../../../escaped-put2", "x"),
      () => store.getBuffer(`datasets/../runs/${runId}/run.json`),
      () => store.presignGet("datasets/../../../etc/passwd", 60),
    ];
    const codes: string[] = [];
    for (const attempt of attempts) {
      codes.push(
        await attempt().then(
          () => "accepted",
          (error: { code?: string }) => error.code ?? "error",
        ),
      );
    }
    // A run record (shared through the bucket) whose dataset fingerprint climbs out.
    const file = path.join(runDir(ws, runId), "run.json");
    const tampered = JSON.parse(await readFile(file, "utf8")) as {
      dataset: { fingerprint: string };
    };
    tampered.dataset.fingerprint = `../runs/${runId}`;
    await writeFile(file, JSON.stringify(tampered, null, 2));
    const resumed = await tunectl(tb, ws, ["resume", runId, "--detach"]);
    const escaped = ["escaped-put", "escaped-put2"].some(
      (name) =>
        existsSync(path.join(s3Dir, name)) ||
        existsSync(path.join(s3Dir, `${name}._S3rver_object`)),
    );
    const after = await record(ws, runId);
    const refused =
      codes.every((code) => code === "storage.bad_key") &&
      !escaped &&
      resumed.code !== 0 &&
      after.attempts.length === 1;
    await writeResult(
      "security",
      "`..` in a dataset path of the bucket layout",
      `\`..\` in a dataset path of the bucket layout | refused ${refused ? "yes" : "no"}`,
    );

    expect(codes).toEqual([
      "storage.bad_key",
      "storage.bad_key",
      "storage.bad_key",
      "storage.bad_key",
    ]);
    expect(escaped).toBe(false);
    expect(resumed.code, resumed.stderr).toBe(2);
    expect(after.attempts).toHaveLength(1);
  });
});
