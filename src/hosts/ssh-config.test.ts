import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInventory } from "./inventory.js";
import { hostPatternsMatch, loadSshConfig, parseSshConfig, resolveSshHost } from "./ssh-config.js";

const home = "/home/ada";

const config = `
# global defaults come first only if no Host line precedes them
User fallback-user

Host gpu-? !gpu-9
  HostName 10.0.0.%h
  Port 2222
  IdentityFile ~/.ssh/gpu_key

Host gpu-*
  User ml
  Port 22
  IdentityFile ~/.ssh/second
  ProxyJump bastion

Host bastion
  HostName=bastion.example.com
  User jump
  UserKnownHostsFile "~/.ssh/lab hosts" /etc/ssh/ssh_known_hosts

Match host gpu-1
  User ignored
`;

describe("ssh_config", () => {
  const lines = parseSshConfig(config, "/home/ada/.ssh/config");

  it("matches Host patterns with *, ? and negation", () => {
    expect(hostPatternsMatch(["gpu-?", "!gpu-9"], "gpu-1")).toBe(true);
    expect(hostPatternsMatch(["gpu-?", "!gpu-9"], "gpu-9")).toBe(false);
    expect(hostPatternsMatch(["gpu-?"], "gpu-10")).toBe(false);
  });

  it("first obtained value wins; IdentityFile accumulates; Match is skipped", () => {
    expect(resolveSshHost(lines, "gpu-1", home)).toEqual({
      hostName: "10.0.0.gpu-1",
      user: "fallback-user",
      port: 2222,
      identityFiles: ["/home/ada/.ssh/gpu_key", "/home/ada/.ssh/second"],
      proxyJump: "bastion",
      certificateFiles: [],
      userKnownHostsFiles: [],
    });
    const nine = resolveSshHost(lines, "gpu-9", home);
    expect(nine.port).toBe(22);
    expect(nine.hostName).toBeUndefined();
    expect(resolveSshHost(lines, "bastion", home)).toMatchObject({
      hostName: "bastion.example.com",
      userKnownHostsFiles: ["/home/ada/.ssh/lab hosts", "/etc/ssh/ssh_known_hosts"],
    });
  });

  describe("inventory", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "tunectl-sshcfg-"));
      await mkdir(path.join(dir, "home", ".ssh", "conf.d"), { recursive: true });
      await writeFile(
        path.join(dir, "home", ".ssh", "config"),
        "Include conf.d/*.conf\nHost *\n  User everyone\n",
      );
      await writeFile(
        path.join(dir, "home", ".ssh", "conf.d", "lab.conf"),
        "Host gpu-a\n  HostName 10.9.0.1\n  Port 2200\n  IdentityFile ~/.ssh/lab\n  ProxyJump ops@jump:2022\n",
      );
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("follows Include and merges ssh_config under tunectl.yaml fields", async () => {
      const homeDir = path.join(dir, "home");
      expect((await loadSshConfig(path.join(homeDir, ".ssh", "config"), homeDir)).length).toBe(7);
      const inventory = await loadInventory({
        root: dir,
        home: homeDir,
        localUser: "me",
        // The built-in parser: OpenSSH would read the real user's ~/.ssh, not this home.
        openssh: null,
        config: {
          storage: ".tunectl/store",
          known_hosts: "./known_hosts",
          defaults: {},
          hosts: [
            {
              name: "a",
              address: "gpu-a",
              runtime: "docker",
              gpus: "auto",
              workdir: ".tunectl",
              python: "python3",
            },
            {
              name: "b",
              address: "10.9.0.2",
              user: "root",
              port: 22,
              identity_file: "keys/b",
              runtime: "docker",
              gpus: [0],
              workdir: "w",
              python: "python3",
            },
            {
              name: "local",
              address: "local",
              runtime: "process",
              gpus: "auto",
              workdir: "w",
              python: "python3",
            },
          ],
        },
      });
      const [a, b, local] = inventory.hosts;
      expect(a!.ssh).toMatchObject({
        address: "10.9.0.1",
        port: 2200,
        user: "everyone",
        identityFiles: [path.join(homeDir, ".ssh", "lab")],
        jumps: [{ label: "jump", address: "jump", port: 2022, user: "ops", jumps: [] }],
      });
      expect(b!.ssh).toMatchObject({
        address: "10.9.0.2",
        user: "root",
        identityFiles: [path.join(dir, "keys/b")],
      });
      expect(local!.ssh).toBeNull();
      expect(inventory.knownHostsFiles).toEqual([
        path.join(dir, "known_hosts"),
        path.join(homeDir, ".ssh", "known_hosts"),
      ]);
      expect(inventory.knownHostsWriteFile).toBe(path.join(dir, "known_hosts"));
    });
  });
});
