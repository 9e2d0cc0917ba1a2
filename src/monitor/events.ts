import { declareEvent } from "../report/index.js";

/** Events of the monitor module declared in the catalogue (older codes still use report()). */

export const settleDeferred = declareEvent<{
  host: string;
  attempt: number;
  metrics: { local: number; host: number | null };
  log: { local: number; host: number | null };
  reason: string;
}>({
  code: "monitor.settle_deferred",
  level: "warn",
  description:
    "an exited attempt is not settled yet: its local metrics or log are behind the host's files (checked again on the next poll)",
});
