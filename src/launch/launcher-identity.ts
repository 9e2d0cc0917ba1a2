import os from "node:os";
import type { Launcher } from "../runs/index.js";

/** This process as the launcher of the attempts it drives. */
export function thisLauncher(): Launcher {
  return { pid: process.pid, machine: os.hostname() };
}

/** Another machine's launch is not ours to judge; on this one, whether its pid lives. */
export function localLauncherAlive(launcher: Launcher): boolean {
  if (launcher.machine !== os.hostname()) return true;
  if (launcher.pid === process.pid) return true;
  try {
    process.kill(launcher.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
