import { describe, expect, it } from "vitest";
import { loadExperiment } from "../config/index.js";
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
