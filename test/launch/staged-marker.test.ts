// A launch of data this workspace staged before asks the bucket nothing; but when the chosen
// host lacks the data, the staging is checked again first: a bucket that lost the dataset gets
// it uploaded again before the host fetches it.
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import {
  launchWorkspace,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
} from "./launch-workspace.js";

const tiny = [
  "--set",
  "train.max_steps=2",
  "--set",
  "train.save_steps=2",
  "--set",
  "train.eval_steps=2",
];
let ws: LaunchWorkspace;
let first: CliResult;
let second: CliResult;
let fingerprint: string;
let s3: S3Client;

beforeAll(async () => {
  ws = await launchWorkspace();
  s3 = new S3Client(ws.testbed.s3ClientConfig());
  first = await ws.tunectl(["run", tinyConfig, "--host", "h1", ...tiny]);
  const [run] = await ws.runs();
  fingerprint = run!.dataset!.fingerprint;
  // The bucket loses the dataset, and h2 has no copy of it.
  const prefix = `tunectl/datasets/${fingerprint}/`;
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: ws.testbed.s3.bucket, Prefix: prefix }),
  );
  await s3.send(
    new DeleteObjectsCommand({
      Bucket: ws.testbed.s3.bucket,
      Delete: { Objects: (listed.Contents ?? []).map((o) => ({ Key: o.Key! })) },
    }),
  );
  const h2 = ws.testbed.host("h2");
  await ws.testbed.ssh("h2", `rm -rf '${h2.workdir}/datasets/${fingerprint}'`);
  second = await ws.tunectl(["run", tinyConfig, "--host", "h2", ...tiny]);
});

describe("a dataset staged before", () => {
  it("the first run stages it", () => {
    expect(first.code).toBe(0);
  });

  it("is staged again when the host must fetch it and the bucket lost it", async () => {
    expect(second.stderr).toContain("staged before");
    expect(second.code).toBe(0);
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: ws.testbed.s3.bucket,
        Key: `tunectl/datasets/${fingerprint}/manifest.json`,
      }),
    );
    expect(head.ContentLength).toBeGreaterThan(0);
    const runs = await ws.runs();
    expect(runs.map((r) => r.state).sort()).toEqual(["succeeded", "succeeded"]);
  });
});
