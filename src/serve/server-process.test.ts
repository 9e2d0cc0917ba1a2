import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { freeLocalPort } from "./local-port.js";
import { startServerProcess } from "./server-process.js";
import { waitReady } from "./wait-ready.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-serve-process-"));
const host = new LocalHost("local", dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startServerProcess", () => {
  it("knows the server's own pid and ends it with SIGTERM", async () => {
    const server = await startServerProcess(host, ["sleep", "30"], {});
    expect(alive(server.pid)).toBe(true);
    expect(await server.stop(5_000)).toEqual({ forced: false });
    expect(alive(server.pid)).toBe(false);
  });

  it("kills a server that ignores SIGTERM once the grace time is over", async () => {
    const server = await startServerProcess(
      host,
      ["sh", "-c", 'trap "" TERM; echo up; while :; do sleep 0.2; done'],
      {},
    );
    expect((await server.stop(300)).forced).toBe(true);
    expect(alive(server.pid)).toBe(false);
  });

  it("a server that dies while starting fails waitReady with its last lines", async () => {
    const server = await startServerProcess(
      host,
      ["sh", "-c", "echo loading >&2; echo 'OSError: no config.json' >&2; exit 3"],
      {},
    );
    const port = await freeLocalPort();
    const error = await waitReady(`http://127.0.0.1:${port}/v1`, "tunectl/x", server, {
      timeoutMs: 30_000,
      intervalMs: 50,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "serve.server_exited" });
    expect((error as Error).message).toContain("OSError: no config.json");
  });
});

describe("freeLocalPort", () => {
  it("refuses a port something already listens on, before anything starts", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      await expect(freeLocalPort(port)).rejects.toMatchObject({
        code: "serve.port_in_use",
        kind: "user",
      });
    } finally {
      taken.close();
    }
  });
  it("without a port, returns one that can be listened on", async () => {
    const port = await freeLocalPort();
    expect(await freeLocalPort(port)).toBe(port);
  });
});
