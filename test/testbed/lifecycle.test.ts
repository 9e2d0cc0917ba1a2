// `down` leaves no namespace, veth, bridge or daemon behind; `up` after it is whole again.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTestbed, runCommand, testbedCli } from "../setup/testbed.js";

function alive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function links(): Promise<string> {
  return (await runCommand("ip", ["-o", "link", "show"])).stdout;
}

describe("testbed lifecycle", () => {
  it("down removes namespaces, veths, bridge and daemons; up brings the same testbed back", async () => {
    const before = JSON.parse(await testbedCli(["status", "--json"]));
    const pids: number[] = [
      before.docker.pid,
      before.s3.pid,
      ...before.hosts.map((h: { sshd: { pid: number } }) => h.sshd.pid),
    ];
    expect(pids.every(alive)).toBe(true);
    const sock = loadTestbed().docker.socket;

    await testbedCli(["down"]);
    try {
      expect((await runCommand("ip", ["netns", "list"])).stdout).not.toMatch(/^tb-h\d+/m);
      expect(await links()).not.toMatch(/tbv-h\d+|tbr0/);
      expect(pids.filter(alive)).toEqual([]);
      expect(existsSync(sock)).toBe(false);
      expect(JSON.parse(await testbedCli(["status", "--json"])).up).toBe(false);
    } finally {
      await testbedCli(["up", "--hosts", String(before.hosts.length)], 600_000);
    }
    const tb = loadTestbed();
    for (const h of tb.hosts)
      expect((await tb.ssh(h.name, "true", { timeoutMs: 15_000 })).code).toBe(0);
  });
});
