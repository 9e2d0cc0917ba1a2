import type { RegisterCommand } from "../app.js";
import { registerAttach } from "./attach.js";
import { registerCancel } from "./cancel.js";
import { registerCheckpoints } from "./checkpoints.js";
import { registerCompare } from "./compare.js";
import { registerCompletion } from "./completion.js";
import { registerData } from "./data.js";
import { registerEval } from "./eval.js";
import { registerExport } from "./export.js";
import { registerExportMetrics } from "./export-metrics.js";
import { registerGpus } from "./gpus.js";
import { registerHosts } from "./hosts.js";
import { registerLogs } from "./logs.js";
import { registerPs } from "./ps.js";
import { registerResume } from "./resume.js";
import { registerRun } from "./run.js";
import { registerSchema } from "./schema.js";
import { registerServe } from "./serve.js";
import { registerShow } from "./show.js";
import { registerSweep } from "./sweep.js";
import { registerSync } from "./sync.js";
import { registerUi } from "./ui.js";
import { registerValidate } from "./validate.js";
import { registerWatch } from "./watch.js";

/**
 * Every command, one file each. A command file imports core modules lazily inside its
 * action (`await import(...)`), so start-up stays cheap.
 */
export const commands: RegisterCommand[] = [
  registerValidate,
  registerRun,
  registerPs,
  registerShow,
  registerAttach,
  registerCancel,
  registerResume,
  registerWatch,
  registerUi,
  registerCompare,
  registerSweep,
  registerHosts,
  registerLogs,
  registerCheckpoints,
  registerSync,
  registerGpus,
  registerSchema,
  registerData,
  registerExport,
  registerEval,
  registerExportMetrics,
  registerServe,
  registerCompletion,
];
