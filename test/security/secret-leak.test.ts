// A secret named in `secrets:` (HF_TOKEN, a canary value here) reaches the trainer and
// nowhere else: not the host's process list, not the container's command line, not the logs,
// run records, events or the bucket mirror, not the host's run directory after the start.
// It does appear in `docker inspect`'s Config.Env: every container environment variable
// does, and reading it takes the docker socket, which is root on that host already
// (docs/recovery.md, "Secrets").
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { beforeAll, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";
import { walkTree } from "../setup/walk-tree.js";
import {
  bucketRunDir,
  builtCli,
  privateWorkspace,
  record,
  runDir,
  runStarted,
  startTunectl,
  streamedStep,
  tinyConfig,
  tinySets,
  waitFor,
  writeResult,
} from "../faults/fault-kit.js";

const tb = loadTestbed();
const canary = `hf_canary_${randomBytes(12).toString("hex")}`;
let ws: string;

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
});

/** Files under `dir` (recursively) whose bytes contain the canary. */
async function filesWithCanary(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const { path: file, entry } of await walkTree(dir)) {
    if (!entry.isFile()) continue;
    if ((await readFile(file)).includes(canary)) found.push(file);
  }
  return found;
}

it("a secret never shows in process lists, command lines, logs, records, events, the bucket or the host's run dir", async () => {
  const attached = startTunectl(
    tb,
    ws,
    [
      "run",
      tinyConfig,
      "--host",
      "h1",
      "--name",
      "secret",
      ...tinySets(8, 4, ["secrets=[HF_TOKEN]", "env.PLAIN=visible"]),
    ],
    { HF_TOKEN: canary },
  );
  const id = await runStarted(ws, "secret", attached);
  await waitFor(async () => (await streamedStep(ws, id)) >= 2, 120_000, `${id} training`);
  const attempt = (await record(ws, id)).attempts[0]!;

  const processList = await tb.ssh("h1", "ps -eo args");
  const inspect = await tb.ssh(
    "h1",
    `docker inspect --format '{{json .Args}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Path}}' ${attempt.handle}`,
  );
  const env = await tb.ssh(
    "h1",
    `docker inspect --format '{{json .Config.Env}}' ${attempt.handle}`,
  );
  const hostDir = await tb.ssh(
    "h1",
    `grep -rl ${canary} ${attempt.host_dir} ; ls -a ${attempt.host_dir}`,
  );
  const result = await attached.done;

  const leaks = {
    processList: processList.stdout.includes(canary),
    commandLine: inspect.stdout.includes(canary),
    hostRunDir: hostDir.stdout.includes(canary) || hostDir.stdout.includes(".env-attempt"),
    cliOutput: result.stdout.includes(canary) || result.stderr.includes(canary),
    registry: (await filesWithCanary(runDir(ws, id))).length > 0,
    bucket: (await filesWithCanary(bucketRunDir(tb, id))).length > 0,
  };
  const refused = result.code === 0 && Object.values(leaks).every((leaked) => !leaked);
  await writeResult(
    "security",
    "secret (HF_TOKEN canary) in ps, container args, logs, records, events, bucket, host dir",
    `secret (HF_TOKEN canary) in ps, container args, logs, records, events, bucket, host dir | refused ${refused ? "yes" : "no"}`,
  );

  expect(result.code, result.stderr).toBe(0);
  expect(inspect.code, inspect.stderr).toBe(0);
  expect(processList.code).toBe(0);
  // The trainer did get it (so the checks above look for something that exists).
  expect(env.stdout).toContain(`HF_TOKEN=${canary}`);
  expect(leaks).toEqual({
    processList: false,
    commandLine: false,
    hostRunDir: false,
    cliOutput: false,
    registry: false,
    bucket: false,
  });
});
