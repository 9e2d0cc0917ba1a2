// Checkpoints from a testbed host to the registry and the testbed's S3 server, with hostile
// entries planted on the host.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkspace } from "../../src/config/index.js";
import { createHostPool, type HostPool } from "../../src/hosts/index.js";
import { CheckpointSync, listCheckpoints } from "../../src/monitor/index.js";
import { RecordingReporter } from "../../src/report/index.js";
import { createObjectStore, type ObjectStore } from "../../src/storage/index.js";
import { loadTestbed } from "../setup/testbed.js";
import { runOnHost } from "./monitor-testbed.js";

const tb = loadTestbed();
let pool: HostPool;
let store: ObjectStore;

beforeAll(async () => {
  Object.assign(process.env, tb.env());
  const workspace = await loadWorkspace({
    dir: tb.workspaceDir,
    cwd: process.cwd(),
    env: process.env,
  });
  pool = await createHostPool({ workspace });
  store = await createObjectStore(workspace.config.storage, {
    root: workspace.root,
    reporter: new RecordingReporter(),
  });
});

afterAll(async () => {
  await pool?.closeAll();
  store?.close();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("checkpoints on the testbed", () => {
  it("pulls a complete checkpoint, uploads it with matching sha256, refuses planted symlinks", async () => {
    const { registry, runId, hostDir } = await runOnHost(tb, "h3");
    const ckpt = `${hostDir}/output/checkpoints`;
    // A checkpoint written as the trainer does (files, then manifest.json), via the host's shell.
    const write = await tb.ssh(
      "h3",
      [
        `set -e; d=${ckpt}/step-20; mkdir -p $d/state`,
        `head -c 3000000 /dev/urandom > $d/adapter_model.bin`,
        `printf '{"r": 8}' > $d/adapter_config.json`,
        `head -c 100000 /dev/urandom > $d/state/optimizer.pt`,
        `cd $d && printf '{"format":1,"step":20,"metrics":{"loss":1.25,"eval_loss":1.5},"files":[' > ../m.tmp`,
        `first=1; for f in adapter_config.json adapter_model.bin state/optimizer.pt; do` +
          ` [ $first = 1 ] || printf , >> ../m.tmp; first=0;` +
          ` printf '{"path":"%s","size":%s,"sha256":"%s"}' $f $(wc -c < $f) $(sha256sum $f | cut -c1-64) >> ../m.tmp; done`,
        `printf ']}' >> ../m.tmp && mv ../m.tmp manifest.json`,
        // hostile: a step directory that is a symlink to the host's ssh keys, and a
        // checkpoint whose file is a symlink to /etc/passwd
        `ln -s /root/.ssh ${ckpt}/step-30`,
        `mkdir -p ${ckpt}/step-40 && ln -s /etc/passwd ${ckpt}/step-40/adapter_model.bin`,
        `printf '{"step":40,"metrics":{},"files":[{"path":"adapter_model.bin","size":1,"sha256":"${"0".repeat(64)}"}]}' > ${ckpt}/step-40/manifest.json`,
      ].join("\n"),
    );
    expect(write.code, write.stderr).toBe(0);

    const reporter = new RecordingReporter();
    const host = await pool.get("h3");
    const result = await new CheckpointSync({
      registry,
      runId,
      host,
      hostDir,
      store,
      reporter,
    }).syncOnce();
    expect(result.errors).toEqual([]);
    expect(result.pulled).toEqual([20]);
    expect(result.uploaded).toEqual([20]);
    expect(result.refused.map((r) => r.name).sort()).toEqual(["step-30", "step-40"]);
    expect(reporter.codes().filter((code) => code === "checkpoint.refused")).toHaveLength(2);

    const manifest = JSON.parse(
      await readFile(path.join(ckpt, "step-20", "manifest.json"), "utf8"),
    ) as { files: Array<{ path: string; sha256: string }> };
    const local = path.join(registry.paths(runId).checkpoints, "step-20");
    for (const file of manifest.files) {
      expect(sha256(await readFile(path.join(local, file.path)))).toBe(file.sha256);
      const uploaded = await store.getBuffer(`runs/${runId}/checkpoints/step-20/${file.path}`);
      expect(sha256(uploaded)).toBe(file.sha256);
    }
    for await (const object of store.list(`runs/${runId}/checkpoints/`)) {
      expect(object.key).toMatch(/\/step-20\//);
    }
    const listing = await listCheckpoints(registry, await registry.get(runId), { host, store });
    expect(listing).toEqual([
      expect.objectContaining({ step: 20, local: true, bucket: true, host: true, size: 3_100_008 }),
    ]);
  });
});
