import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as sdk from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveS3Settings } from "./s3-client-config.js";

// As bin/tunectl.js does: the SDK's notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const chainVars = [
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
];

describe("resolveS3Settings: the AWS chain under tunectl.yaml", () => {
  let dir: string;
  const saved = new Map<string, string | undefined>();
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tunectl-aws-"));
    for (const name of chainVars) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
    // No ~/.aws of the machine running the tests.
    process.env.AWS_CONFIG_FILE = path.join(dir, "none");
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "none");
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes the region of the profile named by AWS_PROFILE in AWS_CONFIG_FILE", async () => {
    const config = path.join(dir, "config");
    writeFileSync(config, "[default]\nregion = us-west-1\n[profile lab]\nregion = eu-west-3\n");
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_PROFILE = "lab";
    expect(await resolveS3Settings(sdk, {})).toEqual({
      region: "eu-west-3",
      regionFrom: "aws-chain",
      pathStyle: false,
    });
  });

  it("AWS_ENDPOINT_URL_S3 is a custom endpoint with path-style addressing", async () => {
    process.env.AWS_ENDPOINT_URL_S3 = "http://10.0.0.9:4568";
    process.env.AWS_ENDPOINT_URL = "http://not-this-one:1";
    process.env.AWS_REGION = "ap-south-2";
    expect(await resolveS3Settings(sdk, {})).toEqual({
      region: "ap-south-2",
      regionFrom: "aws-chain",
      endpoint: "http://10.0.0.9:4568",
      endpointFrom: "aws-chain",
      pathStyle: true,
    });
  });

  it("a profile's endpoint_url counts as the chain's endpoint", async () => {
    const config = path.join(dir, "config");
    writeFileSync(config, "[profile minio]\nendpoint_url = http://minio.lab:9000\n");
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_PROFILE = "minio";
    expect(await resolveS3Settings(sdk, {})).toMatchObject({
      endpoint: "http://minio.lab:9000",
      endpointFrom: "aws-chain",
      pathStyle: true,
      region: "us-east-1",
      regionFrom: "default",
    });
  });

  it("the workspace overrides only what it sets", async () => {
    process.env.AWS_ENDPOINT_URL_S3 = "http://10.0.0.9:4568";
    process.env.AWS_REGION = "ap-south-2";
    expect(await resolveS3Settings(sdk, { region: "eu-north-1", path_style: false })).toEqual({
      region: "eu-north-1",
      regionFrom: "workspace",
      endpoint: "http://10.0.0.9:4568",
      endpointFrom: "aws-chain",
      pathStyle: false,
    });
    expect(await resolveS3Settings(sdk, { endpoint: "http://own:9000" })).toMatchObject({
      region: "ap-south-2",
      endpoint: "http://own:9000",
      endpointFrom: "workspace",
      pathStyle: true,
    });
  });

  it("with nothing anywhere: us-east-1, AWS's own addressing", async () => {
    expect(await resolveS3Settings(sdk, {})).toEqual({
      region: "us-east-1",
      regionFrom: "default",
      pathStyle: false,
    });
  });
});
