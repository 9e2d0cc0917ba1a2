import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import path from "node:path";

const bin = path.resolve("bin", "tunectl.js");

/**
 * `tunectl ARGS...` from the built CLI (npm run build) in `dir`, synchronously, with only PATH
 * from this environment and colour off: what a person sees in a fresh shell.
 */
export function builtCliIn(dir: string): (...args: string[]) => SpawnSyncReturns<string> {
  return (...args) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
    });
}
