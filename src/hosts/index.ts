export type {
  DirEntry,
  ExecOptions,
  ExecResult,
  FileStat,
  RemoteHost,
  StreamOptions,
  TransferOptions,
} from "./remote-host.js";
export {
  scriptCommand,
  shellCommand,
  shellQuote,
  type ShellCommandOptions,
} from "./shell-command.js";
export { LocalHost } from "./local-host.js";
export { createHostPool, type HostPool, type HostPoolOptions } from "./host-pool.js";
export { resolveHosts, type ResolvedHost, type ResolveHostsInputs } from "./resolve-hosts.js";
export { hostWorkdir } from "./host-workdir.js";
export { hostPortOpener } from "./host-forward.js";
export { fingerprint } from "./known-hosts.js";
export { probeHost, probeHosts, type HostProbe, type RuntimeProbe } from "./probe.js";
export { parsePartitions, type SlurmClusterProbe, type SlurmPartition } from "./slurm-probe.js";
export { parseNvidiaSmiCsv, nvidiaSmiQuery, type GpuInfo } from "./nvidia-smi.js";
export {
  acquireGpus,
  listLeases,
  recordLeaseHandle,
  releaseGpus,
  type AcquireRequest,
  type AcquireResult,
  type GpuLease,
} from "./gpu-leases.js";
export { FakeRemoteHost, type FakeCommandHandler } from "./fake-remote-host.js";
export { FakeHostPool, fakeHostConfig } from "./fake-host-pool.js";
