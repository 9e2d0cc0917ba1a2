import { connectionErrorRows } from "./connection-error-rows.js";
import { hostErrorRows } from "./host-error-rows.js";
import type { RemoteErrorRow } from "./remote-error-table.js";
import { slurmErrorRows } from "./slurm-error-rows.js";
import { storageErrorRows } from "./storage-error-rows.js";

/** Every row of the remote-error table; patterns are exclusive, so the order is not a rule. */
export const remoteErrorRows: RemoteErrorRow[] = [
  ...connectionErrorRows,
  ...hostErrorRows,
  ...storageErrorRows,
  ...slurmErrorRows,
];
