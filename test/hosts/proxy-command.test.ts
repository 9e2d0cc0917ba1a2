// A testbed host reached only through a ProxyCommand: its inventory address does not resolve,
// ssh_config names a command whose stdin/stdout carry the SSH stream.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkspace } from "../../src/config/index.js";
import { createHostPool, resolveHosts, type HostPool } from "../../src/hosts/index.js";
import { loadTestbed, type Testbed } from "../setup/testbed.js";

const proxyScript = path.resolve("test/hosts/tcp-stdio.mjs");
const hidden = "h1.behind-proxy.invalid";

describe("a host behind a ProxyCommand", () => {
  let tb: Testbed;
  let dir: string;
  let log: string;
  let pool: HostPool;

  beforeAll(async () => {
    tb = loadTestbed();
    dir = await mkdtemp(path.join(tmpdir(), "tunectl-proxy-"));
    log = path.join(dir, "proxy.log");
    const h1 = tb.host("h1");
    const knownKey = (await readFile(tb.knownHosts, "utf8"))
      .split("\n")
      .find((line) => line.startsWith(`${h1.address} `))!
      .slice(h1.address.length + 1);
    await writeFile(path.join(dir, "known_hosts"), `${hidden} ${knownKey}\n`);
    await writeFile(
      path.join(dir, "ssh_config"),
      [
        `Host ${hidden}`,
        "  User root",
        `  IdentityFile ${tb.identityFile}`,
        `  ProxyCommand ${process.execPath} ${proxyScript} ${h1.address} %p ${log}`,
        "Host refused.invalid",
        "  User root",
        `  IdentityFile ${tb.identityFile}`,
        `  ProxyCommand ${process.execPath} ${proxyScript} 127.0.0.1 1`,
        "",
      ].join("\n"),
    );
    await writeFile(
      path.join(dir, "tunectl.yaml"),
      [
        "storage: .tunectl/store",
        "ssh_config: ./ssh_config",
        "known_hosts: ./known_hosts",
        "hosts:",
        `  - {name: hidden, address: ${hidden}, runtime: process, workdir: ${h1.workdir}}`,
        "  - {name: refused, address: refused.invalid, runtime: process}",
        "",
      ].join("\n"),
    );
    const workspace = await loadWorkspace({ dir, cwd: dir });
    pool = await createHostPool({ workspace, home: dir, agent: "" });
  });
  afterAll(async () => {
    await pool?.closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves to the ProxyCommand without connecting", async () => {
    const workspace = await loadWorkspace({ dir, cwd: dir });
    const [hiddenHost] = await resolveHosts({ root: dir, config: workspace.config, home: dir });
    expect(hiddenHost).toMatchObject({
      hostname: hidden,
      user: "root",
      proxy_command: `${process.execPath} ${proxyScript} ${tb.host("h1").address} %p ${log}`,
    });
    await expect(readFile(log, "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("runs commands on h1 through the proxy, and stops the proxy with the connection", async () => {
    const host = await pool.get("hidden");
    const result = await host.exec(["ip", "-4", "addr", "show", "dev", "eth0"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`inet ${tb.host("h1").address}/`);
    const starts = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(starts).toEqual([{ pid: expect.any(Number), host: tb.host("h1").address, port: "22" }]);
    await pool.closeAll();
    const pid = starts[0].pid as number;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  });

  it("a failing ProxyCommand is an infrastructure error carrying the command's stderr", async () => {
    await expect(pool.get("refused")).rejects.toMatchObject({
      kind: "infra",
      code: "ssh.proxy_command_failed",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });
});
