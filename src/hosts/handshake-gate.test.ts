import { describe, expect, it } from "vitest";
import { HandshakeGate } from "./handshake-gate.js";

function deferred() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe("HandshakeGate", () => {
  it("never runs more than the per-destination and total bounds at once", async () => {
    const gate = new HandshakeGate(5, 2);
    const seen = { maxA: 0, maxTotal: 0 };
    const holds = Array.from({ length: 12 }, () => deferred());
    const runs = holds.map((hold, i) =>
      gate.run(i < 8 ? "jump:22" : `h${i}:22`, async () => {
        seen.maxA = Math.max(seen.maxA, gate.inFlight("jump:22"));
        seen.maxTotal = Math.max(seen.maxTotal, gate.inFlight());
        await hold.done;
        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(gate.inFlight("jump:22")).toBe(2);
    expect(gate.inFlight()).toBe(5);
    holds.forEach((hold) => hold.release());
    expect(await Promise.all(runs)).toEqual(holds.map((_, i) => i));
    expect(seen).toEqual({ maxA: 2, maxTotal: 5 });
    expect(gate.inFlight()).toBe(0);
  });

  it("frees the slot when the handshake fails", async () => {
    const gate = new HandshakeGate(1, 1);
    await expect(gate.run("a", () => Promise.reject(new Error("refused")))).rejects.toThrow();
    await expect(gate.run("a", async () => "ok")).resolves.toBe("ok");
  });
});
