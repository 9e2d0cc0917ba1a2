// The fault verbs are real: a cut link and a stopped sshd make SSH fail, bounded; restoring heals.
import { describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";

const tb = loadTestbed();

describe("testbed faults", () => {
  it("cut h1 makes SSH to h1 fail within the timeout, other hosts unaffected; restore brings it back", async () => {
    await tb.cut("h1");
    try {
      const started = Date.now();
      const res = await tb.ssh("h1", "true", { timeoutMs: 4_000 });
      expect(res.code).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect((await tb.ssh("h2", "true", { timeoutMs: 10_000 })).code).toBe(0);
    } finally {
      await tb.restore("h1");
    }
    const back = await tb.ssh("h1", "echo back", { timeoutMs: 10_000 });
    expect(back.stdout).toBe("back\n");
  });

  it("stop-sshd h2 refuses connections; start-sshd h2 accepts them again with the same host key", async () => {
    await tb.stopSshd("h2");
    try {
      const res = await tb.ssh("h2", "true", { timeoutMs: 5_000 });
      expect(res.code).toBe(255);
      expect(res.stderr).toMatch(/Connection refused/);
    } finally {
      await tb.startSshd("h2");
    }
    // StrictHostKeyChecking=yes in the workspace ssh_config: a new key would be refused here.
    expect((await tb.ssh("h2", "echo again", { timeoutMs: 10_000 })).stdout).toBe("again\n");
  });
});
