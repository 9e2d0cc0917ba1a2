// Host keys on the testbed: a changed key is always refused, an unknown one only with accept-new.
import { readFile } from "node:fs/promises";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fingerprint } from "../../src/hosts/index.js";
import { testPool } from "./testbed-pool.js";

function otherEd25519(): string {
  const raw = generateKeyPairSync("ed25519")
    .publicKey.export({ format: "der", type: "spki" })
    .subarray(-32);
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]).toString("base64");
}

describe("host keys", () => {
  it("a changed key is refused with both fingerprints, even with accept-new", async () => {
    const tb = (await testPool()).tb;
    const real = (await readFile(tb.knownHosts, "utf8"))
      .split("\n")
      .find((l) => l.startsWith(`${tb.host("h1").address} `))!;
    const realKey = Buffer.from(real.split(" ")[2]!, "base64");
    const fake = otherEd25519();
    const t = await testPool({
      knownHosts: `# first line\n${tb.host("h1").address} ssh-ed25519 ${fake}\n`,
      acceptNewHostKey: true,
    });
    try {
      const error = await t.pool.get("h1").then(
        () => undefined,
        (e: unknown) => e as { code: string; kind: string; message: string },
      );
      expect(error).toMatchObject({ code: "ssh.host_key_changed", kind: "infra" });
      expect(error!.message).toContain(fingerprint(realKey));
      expect(error!.message).toContain(fingerprint(Buffer.from(fake, "base64")));
      expect(error!.message).toContain(`${t.knownHosts}:2`);
      expect(await readFile(t.knownHosts, "utf8")).not.toContain(real.split(" ")[2]);
    } finally {
      await t.dispose();
    }
  });

  it("an unknown key is refused, then accepted with accept-new and recorded", async () => {
    const refusing = await testPool({ knownHosts: "" });
    try {
      await expect(refusing.pool.get("h2")).rejects.toMatchObject({
        code: "ssh.host_key_unknown",
        hint: expect.stringContaining("--accept-new-host-key"),
        message: expect.stringMatching(/SHA256:[A-Za-z0-9+/]{43}/),
      });
    } finally {
      await refusing.dispose();
    }
    const accepting = await testPool({ knownHosts: "", acceptNewHostKey: true });
    try {
      const h2 = await accepting.pool.get("h2");
      expect((await h2.exec(["true"])).code).toBe(0);
      expect(accepting.reporter.codes()).toContain("ssh.host_key_accepted");
      const recorded = await readFile(accepting.knownHosts, "utf8");
      expect(recorded).toMatch(
        new RegExp(`^${accepting.tb.host("h2").address.replaceAll(".", "\\.")} ssh-ed25519 `),
      );
      // the recorded key is now known: a pool without accept-new connects
      const { testPool: again } = await import("./testbed-pool.js");
      const strict = await again({ knownHosts: recorded });
      try {
        expect((await (await strict.pool.get("h2")).exec(["true"])).code).toBe(0);
      } finally {
        await strict.dispose();
      }
    } finally {
      await accepting.dispose();
    }
  });
});
