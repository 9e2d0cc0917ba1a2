import { describe, expect, it } from "vitest";
import { FakeStream } from "./fake-terminal.js";
import { StatusWriter, fit } from "./status-writer.js";

const writerOn = (stream: FakeStream, live = true) => new StatusWriter(stream, live, () => 40);

describe("StatusWriter", () => {
  it("keeps log lines whole above a status line that is redrawn below them", () => {
    const tty = new FakeStream(true, 40);
    const writer = writerOn(tty);
    writer.status("[######----] 10/60 16% loss 5.1");
    writer.line("warn: gpu-a: connection lost");
    writer.status("[#######---] 11/60 18% loss 5.0");
    writer.passthrough("step 11 do");
    writer.status("[#######---] 12/60 20% loss 4.9");
    writer.passthrough("ne\nstep 12 done\nstep 13");
    writer.line("monitor: reconnected");
    writer.end();
    expect(tty.screen()).toEqual([
      "warn: gpu-a: connection lost",
      "step 11 done",
      "step 12 done",
      "monitor: reconnected",
      "step 13",
      "",
    ]);
  });

  it("shows the latest status on the last row while it is set", () => {
    const tty = new FakeStream(true, 40);
    const writer = writerOn(tty);
    writer.status("uploading 1");
    writer.line("a line");
    writer.status("uploading 2");
    expect(tty.screen()).toEqual(["a line", "uploading 2"]);
    writer.beside(() => tty.write("stdout text\n"));
    expect(tty.screen()).toEqual(["a line", "stdout text", "uploading 2"]);
  });

  it("cuts the status line to the width so it never wraps", () => {
    const tty = new FakeStream(true, 40);
    const writer = writerOn(tty);
    writer.status("x".repeat(100));
    expect(tty.screen().at(-1)).toHaveLength(39);
    expect(tty.screen().at(-1)?.endsWith("…")).toBe(true);
    expect(fit("a\nb", 0)).toBe("…");
  });

  it("writes no status line and no escape off a live terminal", () => {
    const pipe = new FakeStream(false);
    const writer = writerOn(pipe, false);
    writer.status("[###] 1/3");
    writer.line("one");
    writer.passthrough(Buffer.from("two\nthr"));
    writer.status("[######] 2/3");
    writer.end();
    expect(pipe.text).toBe("one\ntwo\nthr\n");
  });

  it("decodes UTF-8 split across chunks", () => {
    const pipe = new FakeStream(false);
    const writer = writerOn(pipe, false);
    const bytes = Buffer.from("é\n");
    writer.passthrough(bytes.subarray(0, 1));
    writer.passthrough(bytes.subarray(1));
    expect(pipe.text).toBe("é\n");
  });
});
