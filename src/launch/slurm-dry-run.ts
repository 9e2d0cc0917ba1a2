import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Experiment } from "../config/index.js";
import { hostLayout } from "./host-layout.js";
import type { Placement } from "./placement.js";
import { renderBatchScript } from "./slurm-script.js";
import { slurmJob } from "./slurm-runtime.js";
import { trainerSourceDir } from "./trainer-package.js";

/**
 * The script `run --dry-run` prints for a Slurm host: the one a real run submits, with the run
 * id `<name>-dry-run` and, for `python: auto`, the virtualenv path the lock names (made at launch).
 */
export async function dryRunBatchScript(
  placed: Placement,
  experiment: Experiment,
  fingerprint: string,
): Promise<string> {
  const runId = `${experiment.name}-dry-run`;
  const layout = hostLayout(placed.workdir, runId);
  let python = placed.config.python;
  if (python === "auto") {
    const lock = await readFile(path.join(trainerSourceDir, "requirements.lock"));
    const hash = createHash("sha256").update(lock).digest("hex").slice(0, 16);
    python = `~/.cache/tunectl/venv-${hash}/bin/python`;
  }
  return renderBatchScript(
    slurmJob({
      runId,
      attempt: 1,
      image: experiment.resources.image,
      layout,
      dataDir: layout.dataset(fingerprint),
      gpus: [],
      shmSize: experiment.resources.shm_size,
      env: {},
      python,
      slurm: {
        host: placed.config,
        gpus: experiment.resources.gpus,
        nodes: experiment.resources.nodes,
      },
    }),
  );
}
