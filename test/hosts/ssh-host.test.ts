// RemoteHost over SSH on the testbed: commands, quoting, files, streaming.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostWorkdir } from "../../src/hosts/index.js";
import { testPool, type TestPool } from "./testbed-pool.js";

describe("SSH hosts on the testbed", () => {
  let t: TestPool;
  let local: string;
  beforeAll(async () => {
    t = await testPool();
    local = await mkdtemp(path.join(tmpdir(), "tunectl-ssh-files-"));
  });
  afterAll(async () => {
    await t.dispose();
    await rm(local, { recursive: true, force: true });
  });

  it("exec on h2 runs on h2", async () => {
    const h2 = await t.pool.get("h2");
    const result = await h2.exec(["ip", "-4", "addr", "show", "dev", "eth0"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`inet ${t.tb.host("h2").address}/`);
    expect(result.stdout).not.toContain(t.tb.host("h1").address);
  });

  it("reuses one connection for many concurrent commands", async () => {
    const h1 = await t.pool.get("h1");
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => h1.exec(["echo", String(i)])),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 24 }, (_, i) => String(i)),
    );
    const connects = t.reporter.events.filter(
      (e) => e.code === "ssh.connected" && e.data?.host === "h1",
    );
    expect(connects).toHaveLength(1);
  });

  it("hostile arguments reach the remote shell literally and create no canary", async () => {
    const h1 = await t.pool.get("h1");
    const dir = `${hostWorkdir(t.pool.config("h1"))}/quoting`;
    await h1.exec(["rm", "-rf", dir]);
    await h1.exec(["mkdir", "-p", dir]);
    const hostile = [
      "$(touch CANARY)",
      "`touch CANARY`",
      "'; touch CANARY; '",
      "a\ntouch CANARY",
      "*",
      "x;touch CANARY",
    ];
    const result = await h1.exec(["printf", "%s\\0", ...hostile], {
      cwd: dir,
      env: { EVIL: "$(touch CANARY)" },
    });
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(hostile);
    expect((await h1.exec(["ls", "-A", dir])).stdout).toBe("");
  });

  it("exit codes, stderr, stdin and timeouts", async () => {
    const h1 = await t.pool.get("h1");
    expect(await h1.exec(["sh", "-c", "echo oops >&2; exit 7"])).toMatchObject({
      code: 7,
      stderr: "oops\n",
    });
    expect((await h1.exec(["cat"], { stdin: "fed in" })).stdout).toBe("fed in");
    const started = Date.now();
    const slow = await h1.exec(["sleep", "41.5"], { timeoutMs: 500 });
    expect(slow.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    // and it ended on the host too (timeout -s KILL), not only here
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(
      (await h1.exec(["sh", "-c", "ps -eo args | grep -c '^sleep 41.5$' || true"])).stdout.trim(),
    ).toBe("0");
  });

  it("streams output as it comes and stops on abort", async () => {
    const h1 = await t.pool.get("h1");
    const chunks: string[] = [];
    const controller = new AbortController();
    const ended = h1.stream(
      ["sh", "-c", "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.1; done"],
      {
        onStdout: (chunk) => {
          chunks.push(chunk.toString());
          if (chunks.join("").includes("line-3")) controller.abort();
        },
        signal: controller.signal,
      },
    );
    await ended;
    expect(chunks.join("")).toMatch(/^line-0\nline-1\nline-2\nline-3\n/);
  });

  it("writes, reads by offset, stats, lists and transfers files over SFTP", async () => {
    const h3 = await t.pool.get("h3");
    const dir = `${hostWorkdir(t.pool.config("h3"))}/files`;
    await h3.exec(["rm", "-rf", dir]);
    await h3.exec(["mkdir", "-p", dir]);
    await h3.writeFile(`${dir}/a.txt`, "0123456789", { mode: 0o600 });
    expect((await h3.readFile(`${dir}/a.txt`, { offset: 4 })).toString()).toBe("456789");
    expect((await h3.readFile(`${dir}/a.txt`, { offset: 2, length: 3 })).toString()).toBe("234");
    expect(await h3.stat(`${dir}/a.txt`)).toMatchObject({ size: 10, type: "file", mode: 0o600 });
    expect(await h3.stat(`${dir}/missing`)).toBeNull();
    await h3.exec(["ln", "-sf", "/etc/passwd", `${dir}/link`]);
    expect((await h3.readdir(dir)).map((e) => [e.name, e.type])).toEqual([
      ["a.txt", "file"],
      ["link", "symlink"],
    ]);
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await writeFile(path.join(local, "big"), big);
    await h3.putFile(path.join(local, "big"), `${dir}/big`);
    await h3.getFile(`${dir}/big`, path.join(local, "copy"));
    expect((await readFile(path.join(local, "copy"))).equals(big)).toBe(true);
    // resume: a partial local copy is completed from its length
    await writeFile(path.join(local, "partial"), big.subarray(0, 1000));
    await h3.getFile(`${dir}/big`, path.join(local, "partial"), { offset: 1000 });
    expect((await readFile(path.join(local, "partial"))).equals(big)).toBe(true);
  });
});
