import { readFile } from "node:fs/promises";
import path from "node:path";
import { InfraError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import type { Reporter } from "../report/index.js";
import { launchTrainerVenv } from "./events.js";
import { trainerSourceDir } from "./trainer-package.js";

/**
 * hosts[].python `auto`: the trainer's virtualenv on the host, made from
 * scripts/trainer/requirements.lock once per lock content (under ~/.cache/tunectl) and
 * reused. Any other value is used as it is.
 */
export async function trainerPython(
  host: RemoteHost,
  configured: string,
  reporter: Reporter,
): Promise<string> {
  if (configured !== "auto") return configured;
  const [script, lock] = await Promise.all([
    readFile(path.join(trainerSourceDir, "venv.sh"), "utf8"),
    readFile(path.join(trainerSourceDir, "requirements.lock"), "utf8"),
  ]);
  launchTrainerVenv.emit(reporter, `trainer virtualenv on ${host.name} (made once per lock)`, {
    host: host.name,
  });
  const result = await host.script(script, ["", "-"], { stdin: lock, timeoutMs: 1_800_000 });
  const python = result.stdout.trim().split("\n").pop() ?? "";
  if (result.code === 0 && python) return python;
  const said = result.stderr.trim().split("\n").slice(-3).join(" ");
  throw new InfraError(`host ${host.name}: cannot make the trainer's virtualenv: ${said}`, {
    code: "launch.trainer_venv_failed",
    hint:
      "run the command above on the host, or set hosts[].python to a Python that has " +
      "scripts/trainer/requirements.lock installed",
  });
}
