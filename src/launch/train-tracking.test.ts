import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadExperiment } from "../config/index.js";
import { UserWorkspace } from "../cli/testing/user-workspace.js";
import { trainJson } from "./train-config.js";

const runId = "tiny-cpu-20260101-000000-abcd";

async function tracking(sets: string[], env: Record<string, string> = {}) {
  const { experiment } = await loadExperiment("configs/tiny-cpu.yaml", { env, sets });
  return trainJson(runId, experiment).tracking;
}

describe("the experiment's tracking reaches train.json", () => {
  it("is off unless asked for", async () => {
    expect(await tracking([])).toEqual({ tensorboard: false });
  });

  it("carries tensorboard and every W&B setting; the W&B run is named after the tunectl run", async () => {
    expect(
      await tracking([
        "tracking.tensorboard=true",
        "tracking.wandb.project=tune",
        "tracking.wandb.entity=team",
        "tracking.wandb.tags=[tiny, r16]",
        "tracking.wandb.mode=offline",
      ]),
    ).toEqual({
      tensorboard: true,
      wandb: {
        project: "tune",
        entity: "team",
        name: runId,
        tags: ["tiny", "r16"],
        mode: "offline",
      },
    });
    expect((await tracking(["tracking.wandb.name=mine"])).wandb?.name).toBe("mine");
  });

  it("turns W&B on for a WANDB_PROJECT in env, and off with enabled: false", async () => {
    expect(await tracking(["env.WANDB_PROJECT=alpaca"])).toEqual({
      tensorboard: false,
      wandb: { name: runId, tags: [] },
    });
    expect(await tracking(["env.WANDB_PROJECT=alpaca", "tracking.wandb.enabled=false"])).toEqual({
      tensorboard: false,
    });
  });
});

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
