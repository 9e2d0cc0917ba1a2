import { describe, expect, it } from "vitest";
import { parseRunRecord } from "./record-migration.js";

const file = ".tunectl/runs/r1/run.json";
const record = { schema: 2, id: "r1", state: "pending", updated_at: "", attempts: [] };

function failure(text: string) {
  try {
    parseRunRecord(text, file);
  } catch (error) {
    return error as { kind: string; code: string; message: string };
  }
  throw new Error("accepted");
}

describe("run.json read back", () => {
  it("is read with its schema version", () => {
    expect(parseRunRecord(JSON.stringify(record), file).id).toBe("r1");
  });

  it("names the file when it is not a run record", () => {
    expect(failure("{")).toMatchObject({ kind: "infra", code: "run.record_invalid" });
    expect(failure("{").message).toBe(`${file} is not a readable run record: not valid JSON`);
    expect(failure(JSON.stringify({ ...record, schema: 0 })).message).toMatch(/schema is 0/);
    expect(failure(JSON.stringify({ ...record, attempts: {} })).message).toMatch(/attempts/);
  });

  it("asks for a newer tunectl for a newer schema", () => {
    expect(failure(JSON.stringify({ ...record, schema: 3 }))).toMatchObject({
      kind: "user",
      code: "run.record_newer",
    });
  });
});
