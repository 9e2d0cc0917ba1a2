import { describe, expect, it } from "vitest";
import { FrameDecoder, ProtocolError } from "./frame-decoder.js";

function decode(chunks: Buffer[]) {
  const out: string[] = [];
  const decoder = new FrameDecoder({
    data: (file, offset, bytes) => out.push(`${file}@${offset}:${bytes.toString("latin1")}`),
    heartbeat: () => out.push("H"),
    truncated: (file, size) => out.push(`T${file}${size}`),
    end: () => out.push("E"),
  });
  for (const chunk of chunks) decoder.push(chunk);
  return { out, idle: decoder.idle };
}

describe("FrameDecoder", () => {
  it("keeps payload bytes exact, including newlines and header-like text", () => {
    const stream = Buffer.from("F m 10 12\nH\nF l 0 3\nx\nF l 0 1\nyH\nT m 4\nE\n");
    const expected = ["m@10:H\nF l 0 3\nx\n", "l@0:y", "H", "Tm4", "E"];
    const whole = decode([stream]);
    expect(whole.out).toEqual(expected);
    expect(whole.idle).toBe(true);
    // delivered one byte at a time: the same bytes, in more pieces
    const bytewise = decode([...stream].map((b) => Buffer.from([b]))).out;
    const payloadM = bytewise.filter((x) => x.startsWith("m@")).map((x) => x.split(":")[1]);
    expect(payloadM.join("")).toBe("H\nF l 0 3\nx\n");
    expect(bytewise[0]).toBe("m@10:H");
    expect(bytewise[bytewise.length - 1]).toBe("E");
  });

  it("rejects anything that is not a frame header", () => {
    expect(() => decode([Buffer.from("Welcome to host\n")])).toThrow(ProtocolError);
    expect(() => decode([Buffer.from("F x 0 1\n")])).toThrow(ProtocolError);
  });

  it("is not idle in the middle of a frame", () => {
    expect(decode([Buffer.from("F m 0 10\nabc")]).idle).toBe(false);
  });
});
