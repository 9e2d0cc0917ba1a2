// The testbed's Docker engine is real and reachable from every host's SSH session.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";

const tb = loadTestbed();

describe("testbed docker engine", () => {
  it("runs a container from h1's SSH session that writes a file, and returns its exit code", async () => {
    const h1 = tb.host("h1");
    const out = path.join(h1.workdir, "docker-test");
    rmSync(out, { recursive: true, force: true });
    const cmd = [
      `mkdir -p ${out} &&`,
      `docker run --rm --network=none -v ${out}:/output --entrypoint sh ${tb.image}`,
      `-c 'echo written-in-container > /output/proof.txt; exit 7'`,
    ].join(" ");
    const res = await tb.ssh("h1", cmd, { timeoutMs: 120_000 });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(7);
    expect(readFileSync(path.join(out, "proof.txt"), "utf8")).toBe("written-in-container\n");
  });

  it("has python3 with torch in the trainer image, and reaches the S3 server with --network=host", async () => {
    const script = [
      "import torch, urllib.request, urllib.error",
      "try:",
      `    code = urllib.request.urlopen('${tb.s3.endpoint}/${tb.s3.bucket}', timeout=10).status`,
      "except urllib.error.HTTPError as e:",
      "    code = e.code",
      "print(torch.__version__, code)",
    ].join("\n");
    const res = await tb.ssh(
      "h2",
      `docker run --rm --network=host --entrypoint python3 ${tb.image} -c "${script}"`,
      { timeoutMs: 120_000 },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^\d+\.\d+\S* (200|403)\n$/);
  });
});
