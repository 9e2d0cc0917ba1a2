// `tunectl data stage` end to end: the real Alpaca data rendered and staged to the testbed's
// S3 server, staged once, redone when interrupted, and a missing bucket named with exit 3.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createObjectStore } from "../../src/storage/index.js";
import { silentReporter } from "../../src/report/index.js";
import { loadTestbed, repoRoot } from "../setup/testbed.js";

const tb = loadTestbed();
const alpaca = resolve(repoRoot, "../shared/datasets/alpaca_5000.json");
const dir = mkdtempSync(join(tmpdir(), "tunectl-stage-it-"));
const prefix = `${tb.s3.prefix}/stage-test-${process.pid}`;

function workspace(bucket: string): string {
  const ws = mkdtempSync(join(dir, "ws-"));
  writeFileSync(
    join(ws, "tunectl.yaml"),
    `storage:\n  uri: s3://${bucket}/${prefix}\n  endpoint: ${tb.s3.endpoint}\n  region: ${tb.s3.region}\n  path_style: true\n`,
  );
  writeFileSync(
    join(ws, "exp.yaml"),
    `name: stage-test\ndata:\n  train: [{path: ${alpaca}, format: alpaca}]\n  eval_split: 100\n  template: alpaca\ntrain: {max_steps: 1}\n`,
  );
  return ws;
}

function tunectl(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [join(repoRoot, "bin/tunectl.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...tb.env() },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

afterAll(async () => {
  Object.assign(process.env, tb.env());
  const store = await createObjectStore(
    {
      uri: `s3://${tb.s3.bucket}/${prefix}`,
      endpoint: tb.s3.endpoint,
      region: tb.s3.region,
      path_style: true,
    },
    { root: dir, reporter: silentReporter },
  );
  for await (const item of store.list("")) await store.delete(item.key);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tunectl data stage", () => {
  it("stages once, uploads nothing the second time, and redoes an interrupted stage", async () => {
    const ws = workspace(tb.s3.bucket);
    const first = tunectl(["data", "stage", "exp.yaml", "--json"], ws);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.code).toBe(0);
    const staged = JSON.parse(first.stdout);
    expect(staged).toMatchObject({ uploaded: true, records: { eval: 100 } });
    expect(staged.uri).toBe(`s3://${tb.s3.bucket}/${prefix}/datasets/${staged.fingerprint}`);

    const again = JSON.parse(tunectl(["data", "stage", "exp.yaml", "--json"], ws).stdout);
    expect(again).toMatchObject({
      uploaded: false,
      bytes: 0,
      fingerprint: staged.fingerprint,
      cached: true,
    });

    // a stage cut off after the data but before the manifest: not trusted, uploaded again
    Object.assign(process.env, tb.env());
    const store = await createObjectStore(
      {
        uri: `s3://${tb.s3.bucket}/${prefix}`,
        endpoint: tb.s3.endpoint,
        region: tb.s3.region,
        path_style: true,
      },
      { root: dir, reporter: silentReporter },
    );
    await store.delete(`datasets/${staged.fingerprint}/manifest.json`);
    store.close();
    const redo = tunectl(["data", "stage", "exp.yaml"], ws);
    expect(redo.code).toBe(0);
    expect(redo.stdout).toContain(`staged`);
    expect(redo.stdout).not.toContain("already staged");
  });

  it("exits 3 naming a bucket that does not exist, after validating the data", () => {
    const ws = workspace("no-such-bucket-tunectl");
    const run = tunectl(["data", "stage", "exp.yaml"], ws);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('bucket "no-such-bucket-tunectl"');
    expect(run.stderr).toContain("the bucket does not exist");
  });

  it("exits 2 and uploads nothing when a record is invalid", () => {
    const ws = workspace(tb.s3.bucket);
    writeFileSync(
      join(ws, "bad.jsonl"),
      '{"instruction":"a","output":"b"}\n{"instruction":3,"output":"b"}\n',
    );
    writeFileSync(
      join(ws, "exp.yaml"),
      "name: bad\ndata:\n  train: [{path: bad.jsonl, format: alpaca}]\ntrain: {max_steps: 1}\n",
    );
    const run = tunectl(["data", "stage", "exp.yaml"], ws);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${join(ws, "bad.jsonl")}:2: instruction: must be a string (got number)`,
    );
  });
});
