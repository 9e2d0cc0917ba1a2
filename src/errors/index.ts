export { formatPosition, formatProblem, type Problem, type SourcePosition } from "./problem.js";
export {
  InfraError,
  InterruptedError,
  RunEndedError,
  TunectlError,
  UserError,
  isTunectlError,
  type ErrorKind,
  type TunectlErrorOptions,
} from "./tunectl-error.js";
export {
  matchRemoteError,
  type RemoteErrorMatch,
  remoteError,
  remoteErrorTable,
  type RemoteErrorRow,
} from "./remote-error-table.js";
