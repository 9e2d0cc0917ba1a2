import { declareEvent } from "../report/index.js";

/** Another tunectl process of this workspace is staging the same data: this one waits its turn. */
export const stageWaiting = declareEvent<{ pid: number; fingerprint: string }>({
  code: "stage.waiting",
  level: "info",
  description:
    "another tunectl process is staging the same dataset; this one waits, then uses its staging",
});
