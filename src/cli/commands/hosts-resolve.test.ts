import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveHosts, type ResolvedHost } from "../../hosts/index.js";

// `tunectl hosts --resolve --json` (the built CLI, as a person runs it) against `ssh -G` itself,
// on a config with Include, Match host/user/exec, wildcards, negation, first-match-wins,
// IdentityAgent, ProxyCommand, ProxyJump and CertificateFile.
const bin = path.resolve("bin", "tunectl.js");
const agentSock = "/tmp/tunectl-test-agent.sock";
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-resolve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text.replaceAll("DIR", dir));
  return file;
}

write("flag", "");
write(
  "conf.d/10-special.conf",
  "Host special\n  HostName 192.168.5.5\n  Port 2022\n  User specialuser\n",
);
const withMatch = write(
  "ssh_config",
  `Include DIR/conf.d/*.conf
Match host gpu-* user ml
  IdentityAgent DIR/ml-agent.sock
Match exec "test -e DIR/flag" host exec-*
  Port 2200
Match exec "test -e DIR/no-such-flag" host exec-*
  Port 2300
Host gpu-* !gpu-bad
  User trainer
  IdentityFile DIR/keys/gpu
  ProxyCommand nc -q0 %h %p
Host gpu-bad
  ProxyJump ops@bastion:2022,bastion2
Host bastion
  HostName 10.1.0.1
  User jumpuser
Host *.lab
  HostName %h.example.com
  CertificateFile DIR/keys/lab-cert.pub
  IdentityAgent none
Host gpu-1
  User never-used-first-match-wins
Host *
  User everyone
  IdentityFile ~/.ssh/fallback
`,
);

interface Inv {
  name: string;
  address: string;
  user?: string;
  port?: number;
}
const inventory: Inv[] = [
  { name: "g1", address: "gpu-1" },
  { name: "g2", address: "gpu-2", user: "ml" },
  { name: "bad", address: "gpu-bad" },
  { name: "sp", address: "special" },
  { name: "lab", address: "node.lab" },
  { name: "ex", address: "exec-1" },
  { name: "other", address: "other.example.org", port: 2222 },
];

function workspace(sshConfig: string): string {
  const hosts = inventory.map(
    (h) =>
      `  - {name: ${h.name}, address: ${h.address}${h.user ? `, user: ${h.user}` : ""}${h.port ? `, port: ${h.port}` : ""}}`,
  );
  const ws = mkdtempSync(path.join(dir, "ws-"));
  writeFileSync(
    path.join(ws, "tunectl.yaml"),
    `storage: .tunectl/store\nssh_config: ${sshConfig}\nhosts:\n${hosts.join("\n")}\n`,
  );
  return ws;
}

/** What `ssh -G` says, in the shape of `hosts --resolve --json`. */
function sshG(file: string, host: Inv) {
  const args = ["-G", "-F", file, ...(host.user ? ["-l", host.user] : [])];
  const text = execFileSync(
    "ssh",
    [...args, ...(host.port ? ["-p", String(host.port)] : []), host.address],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const all = (key: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${key} `))
      .map((line) => line.slice(key.length + 1));
  const home = (value: string) => value.replace(/^~\//, `${os.homedir()}/`);
  const agent = all("identityagent")[0];
  const proxyJump = all("proxyjump")[0];
  return {
    hostname: all("hostname")[0],
    user: all("user")[0],
    port: Number(all("port")[0]),
    identity_files: all("identityfile").map(home),
    certificate_files: all("certificatefile").map(home),
    agent: agent === "none" ? null : (agent ?? agentSock),
    proxy_command: proxyJump ? null : (all("proxycommand")[0] ?? null),
    proxy_jump: proxyJump ?? null,
  };
}

function resolveJson(ws: string): ResolvedHost[] {
  const result = spawnSync(process.execPath, [bin, "hosts", "--resolve", "--json"], {
    cwd: ws,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: os.homedir(), SSH_AUTH_SOCK: agentSock },
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return (JSON.parse(result.stdout) as { hosts: ResolvedHost[] }).hosts;
}

describe("tunectl hosts --resolve", () => {
  it("equals ssh -G for every host, Match blocks included", () => {
    const resolved = resolveJson(workspace(withMatch));
    expect(resolved.map((host) => host.name)).toEqual(inventory.map((host) => host.name));
    inventory.forEach((host, index) => {
      const { jumps: _jumps, name: _name, ssh: _ssh, ...fields } = resolved[index]!;
      expect(fields).toEqual({ ...sshG(withMatch, host), resolved_by: "openssh" });
    });
    // The cases the config is built for, so a resolver that agreed with a broken ssh -G
    // reading would still be caught.
    const byName = new Map(resolved.map((host) => [host.name, host]));
    expect(byName.get("g1")).toMatchObject({ user: "trainer", proxy_command: "nc -q0 %h %p" });
    expect(byName.get("g2")!.agent).toBe(path.join(dir, "ml-agent.sock"));
    expect(byName.get("bad")).toMatchObject({ proxy_command: null, user: "everyone" });
    expect(byName.get("bad")!.jumps).toEqual([
      { name: "bastion", hostname: "10.1.0.1", user: "ops", port: 2022 },
      { name: "bastion2", hostname: "bastion2", user: "everyone", port: 22 },
    ]);
    expect(byName.get("sp")).toMatchObject({ hostname: "192.168.5.5", port: 2022 });
    expect(byName.get("lab")).toMatchObject({ hostname: "node.lab.example.com", agent: null });
    expect(byName.get("ex")!.port).toBe(2200);
    expect(byName.get("other")!.port).toBe(2222);
  });

  it("the built-in parser (no OpenSSH) agrees with ssh -G on a config without Match", async () => {
    const plain = write(
      "plain_config",
      `Include DIR/conf.d/*.conf
Host gpu-* !gpu-bad
  User trainer
  IdentityFile DIR/keys/gpu
  ProxyCommand nc -q0 %h %p
Host gpu-bad
  ProxyJump ops@bastion:2022
Host *.lab
  HostName %h.example.com
  CertificateFile DIR/keys/lab-cert.pub
  IdentityAgent none
Host *
  User everyone
  IdentityFile DIR/keys/fallback
`,
    );
    const ws = workspace(plain);
    const builtin = await resolveHosts({
      root: ws,
      config: {
        storage: ".tunectl/store",
        ssh_config: plain,
        defaults: {},
        hosts: inventory.map((h) => ({
          name: h.name,
          address: h.address,
          ...(h.user ? { user: h.user } : {}),
          ...(h.port ? { port: h.port } : {}),
          runtime: "docker" as const,
          gpus: "auto" as const,
          workdir: ".tunectl",
          python: "python3",
        })),
      },
      openssh: null,
      defaultAgent: agentSock,
    });
    inventory.forEach((host, index) => {
      const { jumps: _jumps, name: _name, ssh: _ssh, ...fields } = builtin[index]!;
      expect(fields).toEqual({ ...sshG(plain, host), resolved_by: "builtin" });
    });
  });
});
