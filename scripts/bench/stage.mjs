// `npm run bench -- stage [--size-mib N] [--runs N]`: stage a generated JSONL (1 GiB by
// default) to the testbed's S3 server, against `aws s3 cp` of the same rendered bytes to the
// same server (target <= 1.0); then a no-op re-stage against an `aws s3 sync` no-op (<= 0.5).
// The baseline is Debian's awscli (/usr/bin/aws), installed when missing
// (scripts/setup/install-packages.sh). Needs the testbed's S3 server: this checkout's or the
// machine's (another checkout's) testbed if one is up; otherwise one is brought up (one host,
// no trainer image) and taken down afterwards, unless
// TUNECTL_TESTBED_KEEP=1; run it under `flock /tmp/tunectl-testbed.lock`.
import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  BenchSetupError,
  compare,
  fmtMs,
  fmtRatio,
  report,
  time,
  timeCommand,
} from "./measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MiB = 1024 * 1024;
const AWS = "/usr/bin/aws";
const statePath = path.join(repo, ".testbed/state.json");
const dataset = path.resolve(repo, "../shared/datasets/alpaca_5000.json");

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's awscli, installed if missing; its version line. */
export function ensureAws() {
  if (!executable(AWS)) {
    const install = spawnSync(
      "bash",
      [path.join(repo, "scripts/setup/install-packages.sh"), "awscli"],
      {
        stdio: "inherit",
      },
    );
    if (install.status !== 0 || !executable(AWS)) {
      throw new BenchSetupError(
        `the baseline ${AWS} (Debian package awscli) is missing and could not be installed ` +
          `(install-packages.sh exited ${install.status ?? install.error?.code}): run \`sudo apt-get install -y awscli\``,
      );
    }
  }
  const version = spawnSync(AWS, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) {
    throw new BenchSetupError(
      `${AWS} --version failed (exit ${version.status}): ${version.stderr.trim()}`,
    );
  }
  return `${version.stdout}${version.stderr}`.trim().split("\n")[0];
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** This checkout's testbed, or the one up on this machine from another checkout (its owner). */
function readTestbedState() {
  const owner = readJson("/run/tunectl-tb/owner.json");
  return (
    readJson(statePath) ?? (owner?.root ? readJson(path.join(owner.root, "state.json")) : undefined)
  );
}

function testbed(...argv) {
  const result = spawnSync(
    process.execPath,
    [path.join(repo, "scripts/testbed/cli.mjs"), ...argv],
    {
      stdio: "inherit",
    },
  );
  return result.status === 0;
}

/** The testbed's state; brought up (one host, no image) when it is not up. */
function ensureTestbed() {
  const state = readTestbedState();
  if (state?.s3) return { state, broughtUp: false };
  const up = testbed("up", "--hosts", "1", "--no-image") ? readJson(statePath) : undefined;
  if (!up?.s3) {
    if (process.env.TUNECTL_TESTBED_KEEP !== "1") testbed("down"); // no half-started testbed left behind
    throw new BenchSetupError(
      "the testbed (its S3 server) was not up and `npm run testbed -- up --hosts 1 --no-image` failed " +
        "(its message is above; it needs root and the lock: run under `flock /tmp/tunectl-testbed.lock`)",
    );
  }
  return { state: up, broughtUp: true };
}

async function answers(endpoint) {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

function flag(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/** Alpaca records, each made unique (an id in the instruction) so none is dropped as duplicate. */
async function generate(file, bytes) {
  const source = JSON.parse(readFileSync(dataset, "utf8"));
  const out = createWriteStream(file);
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const r = source[i % source.length];
    const line = `${JSON.stringify({ ...r, instruction: `${r.instruction} (#${i})` })}\n`;
    written += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise((resolve) => out.once("drain", resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

export default async function (args) {
  const sizeMiB = flag(args, "--size-mib", 1024);
  const runs = flag(args, "--runs", 3);
  if (!existsSync(dataset))
    throw new BenchSetupError(
      `${dataset} is missing: the benchmark stages Alpaca records made from it`,
    );
  const awsVersion = ensureAws();
  const { state, broughtUp } = ensureTestbed();
  try {
    return await measure(sizeMiB, runs, state.s3, awsVersion);
  } finally {
    if (broughtUp && process.env.TUNECTL_TESTBED_KEEP !== "1") testbed("down");
  }
}

async function measure(sizeMiB, runs, s3, awsVersion) {
  if (!(await answers(s3.endpoint))) {
    throw new BenchSetupError(
      `the testbed's S3 server at ${s3.endpoint} does not answer: run \`npm run testbed -- start-s3\` (or \`up\`)`,
    );
  }
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  });
  const { experimentSchema } = await import(path.join(repo, "dist/config/index.js"));
  const { prepareDataset, stageDataset } = await import(path.join(repo, "dist/data/index.js"));
  const { createObjectStore } = await import(path.join(repo, "dist/storage/index.js"));
  const { silentReporter } = await import(path.join(repo, "dist/report/index.js"));

  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-bench-stage-"));
  const base = `${s3.prefix}/bench-stage-${process.pid}`;
  const storeAt = (name) =>
    createObjectStore(
      {
        uri: `s3://${s3.bucket}/${base}/${name}`,
        endpoint: s3.endpoint,
        region: s3.region,
        path_style: true,
      },
      { root: dir, reporter: silentReporter },
    );
  const aws = (...argv) => timeCommand(AWS, ["--endpoint-url", s3.endpoint, ...argv]);
  try {
    const input = path.join(dir, "input.jsonl");
    await generate(input, sizeMiB * MiB);
    const experiment = experimentSchema.parse({
      name: "bench",
      data: { train: [{ path: input, format: "alpaca" }], template: "alpaca", shuffle: false },
      train: { max_steps: 1 }, // required by the schema; staging does not train
    });
    let prepared;
    const prepareMs = await time(async () => {
      prepared = await prepareDataset(experiment, {
        cacheDir: path.join(dir, "cache"),
        reporter: silentReporter,
      });
    });
    rmSync(input);
    const rendered = path.join(prepared.dir, "train.jsonl");
    const bytes = prepared.manifest.files.reduce((sum, f) => sum + f.size, 0);

    let run = 0;
    const upload = await compare(
      async () => {
        const store = await storeAt(`tunectl-${run}`);
        const ms = await time(() => stageDataset(prepared, store, { reporter: silentReporter }));
        store.close();
        return ms;
      },
      async () =>
        aws("s3", "cp", "--quiet", rendered, `s3://${s3.bucket}/${base}/aws-${run++}/train.jsonl`),
      runs,
    );

    // no-op: the data is already there on both sides
    const noopStore = await storeAt("tunectl-0");
    aws("s3", "sync", "--quiet", prepared.dir, `s3://${s3.bucket}/${base}/aws-sync`);
    const noop = await compare(
      () => time(() => stageDataset(prepared, noopStore, { reporter: silentReporter })),
      async () => aws("s3", "sync", "--quiet", prepared.dir, `s3://${s3.bucket}/${base}/aws-sync`),
      Math.max(runs, 5),
    );
    noopStore.close();

    const rate = (ms) => `${(bytes / MiB / (ms / 1000)).toFixed(1)} MiB/s`;
    report(
      `stage: ${(bytes / MiB).toFixed(0)} MiB rendered (${prepared.records.train} records) to ${s3.endpoint}, median of ${runs}`,
      [
        `render + fingerprint (prepare, once): ${fmtMs(prepareMs)}`,
        `tunectl stage upload: ${fmtMs(upload.a)}  ${rate(upload.a)}`,
        `aws s3 cp:            ${fmtMs(upload.b)}  ${rate(upload.b)}  (${awsVersion})`,
        `upload ratio tunectl / aws: ${fmtRatio(upload.ratio, 1.0)}`,
        `no-op re-stage: ${fmtMs(noop.a)}   aws s3 sync no-op: ${fmtMs(noop.b)}`,
        `no-op ratio tunectl / aws: ${fmtRatio(noop.ratio, 0.5)}`,
      ],
    );
    return { upload: upload.ratio, noop: noop.ratio };
  } finally {
    const cleaner = await storeAt("");
    for await (const item of cleaner.list(""))
      await cleaner.delete(item.key).catch(() => undefined);
    cleaner.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
