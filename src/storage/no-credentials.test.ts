import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The built CLI with an empty AWS chain: no keys, no profile files, no instance metadata.
const bin = path.resolve("bin", "tunectl.js");
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-nocreds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tunectl(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      NO_COLOR: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: path.join(dir, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "no-credentials"),
      // Never reached: the SDK needs credentials before it sends anything.
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9",
    },
  });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe("no AWS credentials", () => {
  it("an s3:// dataset path is exit 3 storage.no_credentials with the fix", () => {
    writeFileSync(
      path.join(dir, "e.yaml"),
      'name: t\ndata:\n  train:\n    - {path: "s3://datasets/alpaca.jsonl", format: alpaca}\n',
    );
    const { code, stdout } = tunectl(["validate", "e.yaml", "--json"]);
    expect(code).toBe(3);
    const { error } = JSON.parse(stdout) as { error: { code: string; hint: string } };
    expect(error.code).toBe("storage.no_credentials");
    expect(error.hint).toContain("AWS_PROFILE");
    expect(error.hint).toContain("aws sso login");
  });

  it("an s3:// workspace store is exit 3 storage.no_credentials", () => {
    writeFileSync(path.join(dir, "tunectl.yaml"), "storage: s3://runs/team\n");
    writeFileSync(
      path.join(dir, "d.jsonl"),
      '{"instruction": "hi", "input": "", "output": "hello"}\n',
    );
    writeFileSync(
      path.join(dir, "local.yaml"),
      "name: t\ndata:\n  train:\n    - {path: d.jsonl, format: alpaca}\n",
    );
    const { code, stderr } = tunectl(["data", "stage", "local.yaml"]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/bucket "runs".*no AWS credentials/);
  });
});
