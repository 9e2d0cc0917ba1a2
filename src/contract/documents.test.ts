import { describe, expect, it } from "vitest";
import { InfraError } from "../errors/index.js";
import { checkDocument, parseDocument } from "./documents.js";
import { trainerStatusSchema } from "./trainer-status.js";

const origin = { host: "gpu-a", file: "/w/runs/r1/output/status.json" };

describe("documents read back from a host", () => {
  it("parses a good status.json", () => {
    const status = parseDocument(trainerStatusSchema, '{"state":"stopped","step":12}', origin);
    expect(status).toMatchObject({ state: "stopped", step: 12 });
  });

  it("turns a bad one into an infrastructure error naming the host, the file and the field", () => {
    const error = (() => {
      try {
        parseDocument(trainerStatusSchema, '{"state":"exploded","step":1}', origin);
      } catch (caught) {
        return caught;
      }
    })() as InfraError;
    expect(error).toBeInstanceOf(InfraError);
    expect(error.kind).toBe("infra");
    expect(error.code).toBe("contract.invalid_document");
    expect(error.message).toMatch(/^gpu-a: \/w\/runs\/r1\/output\/status\.json breaks the/);
    expect(error.message).toContain("state: ");
  });

  it("says when the text is not JSON at all", () => {
    expect(checkDocument(trainerStatusSchema, "{nope")).toEqual({
      ok: false,
      problem: "not valid JSON",
    });
  });

  it("keeps fields it does not know (a newer trainer may add some)", () => {
    const checked = checkDocument(trainerStatusSchema, '{"state":"failed","step":0,"x":1}');
    expect(checked.ok && checked.value.x).toBe(1);
  });
});
