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
export { fingerprint } from "./known-hosts.js";
