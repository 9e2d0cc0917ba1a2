// The AWS chain as the SDK means it, against the testbed's S3 server: a region that only the
// profile names, and an endpoint that only the environment names.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordingReporter } from "../../src/report/index.js";
import { createObjectStore, type ObjectStore } from "../../src/storage/index.js";
import { loadTestbed } from "../setup/testbed.js";

const tb = loadTestbed();
const dir = mkdtempSync(join(tmpdir(), "tunectl-aws-chain-"));
const prefix = `${tb.s3.prefix}/aws-chain-${process.pid}`;
const chainVars = [
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
];
const saved = new Map(chainVars.map((name) => [name, process.env[name]]));
const opened: ObjectStore[] = [];

beforeEach(() => {
  for (const name of chainVars) delete process.env[name];
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_CONFIG_FILE = join(dir, "none");
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "none");
});
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterAll(async () => {
  for (const store of opened) {
    for await (const item of store.list("")) await store.delete(item.key);
    store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function roundTrip(store: ObjectStore, key: string) {
  await store.put(key, `through ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("S3 settings from the AWS chain", () => {
  it("a region and credentials named only by the profile reach the server", async () => {
    writeFileSync(
      join(dir, "config"),
      "[default]\nregion = us-west-1\n[profile testbed]\nregion = eu-west-3\n",
    );
    writeFileSync(
      join(dir, "credentials"),
      `[testbed]\naws_access_key_id = ${tb.s3.accessKeyId}\naws_secret_access_key = ${tb.s3.secretAccessKey}\n`,
    );
    process.env.AWS_CONFIG_FILE = join(dir, "config");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials");
    process.env.AWS_PROFILE = "testbed";
    const reporter = new RecordingReporter();
    const store = await createObjectStore(
      { uri: `s3://${tb.s3.bucket}/${prefix}/profile`, endpoint: tb.s3.endpoint },
      { root: dir, reporter },
    );
    opened.push(store);
    expect(reporter.events.find((e) => e.code === "storage.resolved")?.data).toMatchObject({
      region: "eu-west-3",
      regionFrom: "aws-chain",
      endpointFrom: "workspace",
      pathStyle: true,
    });
    expect(await roundTrip(store, "profile.txt")).toBe("through profile.txt");
  });

  it("an endpoint named only by AWS_ENDPOINT_URL_S3 gets path-style and reaches the server", async () => {
    process.env.AWS_ACCESS_KEY_ID = tb.s3.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = tb.s3.secretAccessKey;
    process.env.AWS_ENDPOINT_URL_S3 = tb.s3.endpoint;
    const reporter = new RecordingReporter();
    const store = await createObjectStore(`s3://${tb.s3.bucket}/${prefix}/env`, {
      root: dir,
      reporter,
    });
    opened.push(store);
    expect(reporter.events.find((e) => e.code === "storage.resolved")?.data).toMatchObject({
      endpoint: tb.s3.endpoint,
      endpointFrom: "aws-chain",
      pathStyle: true,
      regionFrom: "default",
    });
    expect(await roundTrip(store, "env.txt")).toBe("through env.txt");
  });
});
