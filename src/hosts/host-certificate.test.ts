import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkspace } from "../config/index.js";
import { RecordingReporter } from "../report/index.js";
import { createHostPool } from "./host-pool.js";
import { parseCertificateCheck } from "./host-certificate.js";

// A real sshd on loopback whose host key is certified by a test CA; known_hosts holds only
// the CA (`@cert-authority`). Needs root and OpenSSH's sshd (Debian openssh-server).
const sshd = "/usr/sbin/sshd";
const canRun = process.getuid?.() === 0 && existsSync(sshd) && existsSync("/run/sshd");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!canRun)("hosts trusted through @cert-authority (real sshd)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-hostcert-"));
  const file = (name: string) => path.join(dir, name);
  const keygen = (...args: string[]) => execFileSync("ssh-keygen", ["-q", ...args]);
  let daemon: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    for (const name of ["ca", "other-ca", "hostkey", "userkey"])
      keygen("-t", "ed25519", "-N", "", "-f", file(name));
    keygen("-s", file("ca"), "-I", "gpu-test", "-h", "-n", "127.0.0.1", file("hostkey.pub"));
    writeFileSync(file("authorized_keys"), readFileSync(file("userkey.pub")));
    writeFileSync(
      file("sshd_config"),
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${file("hostkey")}`,
        `HostCertificate ${file("hostkey-cert.pub")}`,
        `AuthorizedKeysFile ${file("authorized_keys")}`,
        `PidFile ${file("sshd.pid")}`,
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "",
      ].join("\n"),
    );
    daemon = spawn(sshd, ["-D", "-e", "-f", file("sshd_config")], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => resolve(true));
        socket.on("error", () => resolve(false));
        socket.on("connect", () => socket.destroy());
      });
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(() => {
    daemon?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function pool(caFile: string) {
    writeFileSync(
      file("known_hosts"),
      `@cert-authority [127.0.0.1]:${port} ${readFileSync(file(caFile), "utf8")}`,
    );
    writeFileSync(
      file("tunectl.yaml"),
      `known_hosts: ./known_hosts\nhosts:\n  - {name: c, address: 127.0.0.1, port: ${port}, user: root, identity_file: ./userkey, runtime: process}\n`,
    );
    const reporter = new RecordingReporter();
    const workspace = await loadWorkspace({ dir, cwd: dir });
    return { reporter, pool: await createHostPool({ workspace, reporter, home: dir, agent: "" }) };
  }

  it("connects when the host's certificate is signed by the CA in known_hosts", async () => {
    const { pool: hosts, reporter } = await pool("ca.pub");
    try {
      const host = await hosts.get("c");
      expect((await host.exec(["echo", "certified"])).stdout.trim()).toBe("certified");
      const accepted = reporter.events.find((e) => e.code === "ssh.host_certificate_accepted");
      expect(accepted?.data).toMatchObject({ id: "gpu-test" });
    } finally {
      await hosts.closeAll();
    }
  });

  it("refuses a host whose certificate another CA signed", async () => {
    const { pool: hosts } = await pool("other-ca.pub");
    try {
      await expect(hosts.get("c")).rejects.toMatchObject({
        kind: "infra",
        code: "ssh.host_certificate_invalid",
      });
    } finally {
      await hosts.closeAll();
    }
  });
});

describe("parseCertificateCheck", () => {
  it("needs both the certificate line and OpenSSH's match", () => {
    const cert =
      'debug1: Server host certificate: ssh-ed25519-cert-v01@openssh.com SHA256:Bo+p6mq, serial 0 ID "h" CA ssh-ed25519 SHA256:Ycs+AU valid forever';
    expect(parseCertificateCheck(cert)).toMatchObject({ kind: "refused" });
    expect(
      parseCertificateCheck(
        `${cert}\ndebug1: Host '[127.0.0.1]:42222' is known and matches the ED25519-CERT host certificate.`,
      ),
    ).toEqual({ kind: "certified", fingerprint: "SHA256:Bo+p6mq", id: "h", ca: "SHA256:Ycs+AU" });
    expect(parseCertificateCheck(`${cert}\nHost key verification failed.`)).toEqual({
      kind: "refused",
      reason: "Host key verification failed.",
    });
  });
});
