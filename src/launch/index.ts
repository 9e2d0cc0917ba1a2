export type { LaunchDeps } from "./launch-deps.js";
export { startRun, type RunPlan, type RunRequest, type StartResult } from "./start-run.js";
export {
  launchAttempt,
  type AttemptRequest,
  type ResumePoint,
  type StagedDataset,
} from "./launch-attempt.js";
export { followRun, type FollowOptions } from "./follow-run.js";
export { cancelRun, type CancelOptions } from "./cancel-run.js";
export { checkRun, needsHost, reconcileActiveRuns, probeAttempt } from "./reconcile.js";
export { reapOrphans } from "./orphan-reaper.js";
export { hostLayout, layoutFromRunDir, containerName, type HostLayout } from "./host-layout.js";
export { runtimeFor } from "./runtime-for.js";
export { FakeContainerRuntime, type RuntimeCall } from "./fake-container-runtime.js";
/** For tests of modules that launch through this one (sweep). */
export { fakeLaunchKit, type FakeLaunchKit } from "./fake-launch-deps.js";
export type { ContainerRuntime, AttemptProbe, LaunchSpec } from "./container-runtime.js";
export { readSecrets, checkEnvValues } from "./trainer-env.js";
export { releaseAttemptLeases } from "./settle-attempt.js";
export { resumeRun, recordedExperiment, type ResumeRequest } from "./resume-run.js";
export {
  stageForWorkspace,
  type WorkspaceStaging,
  type WorkspaceStagingDeps,
} from "./staged-marker.js";
export { thisLauncher, localLauncherAlive } from "./launcher-identity.js";
export { retryEnded } from "./supervise-run.js";
export { superviseRuns, type Supervisor, type SuperviseOptions } from "./supervise-runs.js";
export * as launchEvents from "./events.js";
export { runCreated } from "./events.js";
export { trainerPython } from "./trainer-venv.js";
export { trainerSourceDir, shipTrainer } from "./trainer-package.js";
