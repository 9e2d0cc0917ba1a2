import { describe, expect, it } from "vitest";
import { DuplicateEventError, declareEvent, declaredEvents } from "./event-catalogue.js";
import { RecordingReporter } from "./recording-reporter.js";

describe("declareEvent", () => {
  it("emits with the declared level and code, and narrows recorded events", () => {
    const uploaded = declareEvent<{ bytes: number }>({
      code: "test.catalogue.uploaded",
      level: "info",
      description: "bytes uploaded so far",
    });
    const reporter = new RecordingReporter();
    uploaded.emit(reporter, "uploaded 3 bytes", { bytes: 3 });
    const [event] = reporter.events;
    expect(event).toEqual({
      level: "info",
      code: "test.catalogue.uploaded",
      message: "uploaded 3 bytes",
      data: { bytes: 3 },
    });
    expect(event !== undefined && uploaded.is(event) ? event.data.bytes : undefined).toBe(3);
    expect(declaredEvents().map((kind) => kind.code)).toContain("test.catalogue.uploaded");
  });

  it("refuses a code declared twice", () => {
    declareEvent({ code: "test.catalogue.once", level: "debug", description: "once" });
    expect(() =>
      declareEvent({ code: "test.catalogue.once", level: "warn", description: "again" }),
    ).toThrow(DuplicateEventError);
  });
});
