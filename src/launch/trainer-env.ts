import type { Experiment } from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";

/**
 * The secrets an experiment names, read from the local environment at launch. Missing ones
 * are a user error before anything is created; their values never enter the registry.
 */
export function readSecrets(
  experiment: Experiment,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const problems: Problem[] = [];
  const secrets: Record<string, string> = {};
  experiment.secrets.forEach((name, index) => {
    const value = env[name];
    if (value === undefined || value === "") {
      problems.push({ path: `secrets.${index}`, message: `${name} is not set in the environment` });
    } else {
      secrets[name] = value;
    }
  });
  if (problems.length > 0) {
    throw new UserError("secrets named by the experiment are missing", {
      code: "launch.secret_missing",
      problems,
      hint: `export them before running, e.g. export ${experiment.secrets[0]}=...`,
    });
  }
  return secrets;
}

/** Values travel in env files, one per line: a newline or NUL cannot be carried and is refused. */
export function checkEnvValues(values: Record<string, string>, section: string): void {
  const problems: Problem[] = Object.entries(values)
    .filter(([, value]) => /[\n\r\0]/.test(value))
    .map(([name]) => ({
      path: `${section}.${name}`,
      message: "contains a newline or NUL character",
      expected: "a single-line value",
    }));
  if (problems.length > 0) {
    throw new UserError("environment values must be single lines", {
      code: "launch.bad_env_value",
      problems,
    });
  }
}

export interface TrainerEnvInput {
  runId: string;
  attempt: number;
  resumeFrom: string;
  logFile?: string;
  experiment: Experiment;
  secrets: Record<string, string>;
}

/** DESIGN.md's trainer contract variables, then the experiment's env, then its secrets. */
export function trainerEnv(input: TrainerEnvInput): Record<string, string> {
  return {
    ...input.experiment.env,
    ...input.secrets,
    TUNECTL_RUN_ID: input.runId,
    TUNECTL_ATTEMPT: String(input.attempt),
    TUNECTL_RESUME_FROM: input.resumeFrom,
    ...(input.logFile ? { TUNECTL_LOG_FILE: input.logFile } : {}),
    // more than one GPU: the trainer runs its workers under torchrun, one per GPU (DDP)
    ...(input.experiment.resources.gpus > 1
      ? { TUNECTL_NPROC: String(input.experiment.resources.gpus) }
      : {}),
  };
}
