import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { InfraError } from "../errors/index.js";

const venvScript = fileURLToPath(new URL("../../scripts/trainer/venv.sh", import.meta.url));

/**
 * The Python the Optuna bridge runs in: TUNECTL_TRAINER_PYTHON, else the trainer's venv on
 * this machine (scripts/trainer/venv.sh, made once per requirements.lock; it holds Optuna).
 */
export async function sweepPython(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.TUNECTL_TRAINER_PYTHON) return env.TUNECTL_TRAINER_PYTHON;
  try {
    const { stdout } = await promisify(execFile)("sh", [venvScript], {
      env,
      timeout: 1_800_000,
      maxBuffer: 1 << 20,
    });
    const python = stdout.trim().split("\n").pop();
    if (python) return python;
  } catch (error) {
    throw new InfraError(
      `the trainer's virtualenv (for Optuna) could not be made: ${String(error)}`,
      {
        code: "sweep.bridge_failed",
        hint: "run sh scripts/trainer/venv.sh and fix what it reports, or set TUNECTL_TRAINER_PYTHON",
        cause: error,
      },
    );
  }
  throw new InfraError("scripts/trainer/venv.sh printed no python", {
    code: "sweep.bridge_failed",
    hint: "run sh scripts/trainer/venv.sh and fix what it reports, or set TUNECTL_TRAINER_PYTHON",
  });
}
