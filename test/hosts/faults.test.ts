// Real faults on the testbed: a cut link, a stopped sshd; other hosts keep answering.
import { afterAll, describe, expect, it } from "vitest";
import { probeHosts } from "../../src/hosts/index.js";
import { loadTestbed } from "../setup/testbed.js";
import { testPool } from "./testbed-pool.js";

describe("faults", () => {
  const tb = loadTestbed();
  afterAll(async () => {
    await tb.restore("h1");
    await tb.startSshd("h2");
  });

  it("a cut link gives ssh.unreachable within the timeout while other hosts answer", async () => {
    const t = await testPool({ connectTimeoutMs: 3_000 });
    try {
      await tb.cut("h1");
      const started = Date.now();
      const [h1, h3] = await Promise.allSettled([
        t.pool.get("h1"),
        t.pool.get("h3").then((h) => h.exec(["true"])),
      ]);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(h1).toMatchObject({
        status: "rejected",
        reason: { code: "ssh.unreachable", kind: "infra" },
      });
      expect(h3).toMatchObject({ status: "fulfilled", value: { code: 0 } });
      const probes = await probeHosts(t.pool, { timeoutMs: 5_000 });
      expect(probes.map((p) => [p.name, p.reachable])).toEqual([
        ["h1", false],
        ["h2", true],
        ["h3", true],
      ]);
    } finally {
      await tb.restore("h1");
      await t.dispose();
    }
  });

  it("a connection dropped mid-use is re-opened on the next call", async () => {
    const t = await testPool({ connectTimeoutMs: 3_000 });
    try {
      const h2 = await t.pool.get("h2");
      expect((await h2.exec(["true"])).code).toBe(0);
      await tb.stopSshd("h2");
      // sshd's children keep the open session alive; kill them so the connection really drops
      await h2.exec(["sh", "-c", "kill -9 $PPID"]).catch(() => undefined);
      await expect(h2.exec(["true"])).rejects.toMatchObject({ code: "ssh.connection_refused" });
      await tb.startSshd("h2");
      expect((await h2.exec(["true"])).code).toBe(0);
      expect(t.reporter.codes().filter((c) => c === "ssh.connected").length).toBe(2);
    } finally {
      await tb.startSshd("h2");
      await t.dispose();
    }
  });

  it("a link cut under an open connection is detected by keepalive, then reconnected", async () => {
    const t = await testPool({
      connectTimeoutMs: 3_000,
      keepaliveIntervalMs: 1_000,
      keepaliveCountMax: 2,
    });
    try {
      const h1 = await t.pool.get("h1");
      expect((await h1.exec(["true"])).code).toBe(0);
      await tb.cut("h1");
      const started = Date.now();
      await expect(h1.exec(["sleep", "20"])).rejects.toMatchObject({ code: "ssh.connection_lost" });
      expect(Date.now() - started).toBeLessThan(8_000);
      await expect(h1.exec(["true"])).rejects.toMatchObject({ code: "ssh.unreachable" });
      await tb.restore("h1");
      expect((await h1.exec(["true"])).code).toBe(0);
    } finally {
      await tb.restore("h1");
      await t.dispose();
    }
  });
});
