import { describe, expect, it } from "vitest";
import { flattenConfig } from "./flatten.js";

describe("flattenConfig", () => {
  it("uses dotted keys and list indices", () => {
    expect(
      flattenConfig({ train: { lr: 1 }, data: { train: [{ path: "a" }] }, tags: [], env: {} }),
    ).toEqual({ "train.lr": 1, "data.train.0.path": "a", tags: [], env: {} });
  });
});
