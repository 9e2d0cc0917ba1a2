// Each testbed host is a real sshd in its own network namespace, with its own workdir and PATH.
import { describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";

const tb = loadTestbed();

describe("testbed hosts", () => {
  it("runs an SSH command inside h2's namespace, where h2's address is the only one", async () => {
    const h2 = tb.host("h2");
    const res = await tb.ssh(
      "h2",
      "ip -o -4 addr show scope global; echo server=${SSH_CONNECTION##* }",
      {
        timeoutMs: 15_000,
      },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`inet ${h2.address}/24`);
    expect(res.stdout).toContain("server=22");
    for (const other of tb.hosts.filter((h) => h.name !== "h2")) {
      expect(res.stdout).not.toContain(`inet ${other.address}/`);
    }
  });

  it("gives each host its own workdir and puts its bin/ first on PATH", async () => {
    for (const h of tb.hosts) {
      const res = await tb.ssh(
        h.name,
        'echo "$PATH"; echo "$TUNECTL_TESTBED_HOST"; test -d ' + h.workdir,
        {
          timeoutMs: 15_000,
        },
      );
      expect(res.code).toBe(0);
      const [path, name] = res.stdout.trim().split("\n");
      expect(path?.split(":")).toContain(h.binDir);
      expect(name).toBe(h.name);
    }
    expect(new Set(tb.hosts.map((h) => h.workdir)).size).toBe(tb.hosts.length);
  });

  it("answers nvidia-smi queries only on hosts with fake GPUs", async () => {
    const withGpus = tb.hosts.find((h) => h.gpus > 0);
    const without = tb.hosts.find((h) => h.gpus === 0);
    expect(withGpus).toBeDefined();
    const query =
      "nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits";
    const res = await tb.ssh(withGpus!.name, query, { timeoutMs: 15_000 });
    expect(res.code).toBe(0);
    const rows = res.stdout.trim().split("\n");
    expect(rows).toHaveLength(withGpus!.gpus);
    expect(rows[0]).toMatch(/^0, GPU-[0-9a-f-]+, NVIDIA A100-SXM4-80GB, 81920, 0, 0$/);
    const none = await tb.ssh(without!.name, "command -v nvidia-smi", { timeoutMs: 15_000 });
    expect(none.code).not.toBe(0);
  });
});
