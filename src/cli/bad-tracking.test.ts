// The experiment's `tracking` section, mistyped as a user mistypes it: exit 2 naming the config
// path (and the file's line), nothing created. Where it goes when right: src/launch/train-tracking.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserWorkspace } from "./testing/user-workspace.js";

describe("bad tracking values: exit 2 naming the config path", () => {
  let ws: UserWorkspace;
  beforeEach(() => void (ws = new UserWorkspace()));
  afterEach(() => ws.remove());

  const cases: Array<[string, string]> = [
    ["tracking.wandb.mode=sometimes", "tracking.wandb.mode"],
    ["tracking.tensorboard=maybe", "tracking.tensorboard"],
    ["tracking.wandb.tags=[" + "x".repeat(65) + "]", "tracking.wandb.tags.0"],
    ["tracking.mlflow=true", "tracking.mlflow"],
  ];
  for (const [set, where] of cases) {
    it(set.slice(0, 40), async () => {
      const result = await ws.tunectl("validate", "tiny-cpu.yaml", "--set", set);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(where);
      expect(ws.runs()).toEqual([]);
    });
  }

  it("a wrong type in the file points at its line", async () => {
    ws.write(
      "tracked.yaml",
      "extends: tiny-cpu.yaml\nname: tracked\ntracking:\n  wandb:\n    tags: tiny\n",
    );
    const result = await ws.tunectl("validate", "tracked.yaml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tracked\.yaml:5:\d+: tracking\.wandb\.tags/);
  });
});
