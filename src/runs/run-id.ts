import { randomBytes } from "node:crypto";

/** `<name>-<yyyymmdd-hhmmss>-<4 hex>`: readable, sortable within a name, unique with the suffix. */
export function newRunId(name: string, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp =
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${name}-${stamp}-${randomBytes(2).toString("hex")}`;
}

export const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*-\d{8}-\d{6}-[0-9a-f]{4}$/;
