// .testbed/state.json (machine-readable testbed description) and the machine-wide owner record.
import fs from "node:fs";
import path from "node:path";
import { ownerPath, root, runDir, statePath } from "./layout.mjs";
import { stopPid } from "./proc.mjs";

export function readState(file = statePath) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

export function writeState(state) {
  fs.mkdirSync(path.dirname(statePath), { recursive: true });
  const tmp = `${statePath}.${process.pid}.tmp`;
  fs.writeFileSync(
    tmp,
    `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  fs.renameSync(tmp, statePath);
}

/** Every daemon recorded in a state, with the command-line marker that proves a pid is still it. */
export function recordedProcesses(state) {
  if (!state) return [];
  const out = [];
  for (const h of state.hosts ?? []) out.push({ pid: h.sshd?.pid, marker: h.sshd?.config });
  out.push({ pid: state.docker?.pid, marker: state.docker?.pidFile });
  out.push({ pid: state.s3?.pid, marker: state.s3?.serveScript });
  const slurm = state.slurm;
  if (slurm?.pids) {
    for (const [node, pid] of Object.entries(slurm.pids.slurmd ?? {}))
      out.push({ pid, marker: `slurmd -D -N ${node} -f ${slurm.conf}` });
    out.push({ pid: slurm.pids.slurmctld, marker: `slurmctld -D -f ${slurm.conf}` });
    out.push({ pid: slurm.pids.munged, marker: slurm.mungeKey });
  }
  return out.filter((p) => p.pid && p.marker);
}

/**
 * One testbed per machine owns the subnet, the namespace names and the exec-root. If another
 * checkout's testbed is up, stop its daemons (by their recorded pids) before taking over.
 */
export async function takeOwnership(log) {
  fs.mkdirSync(runDir, { recursive: true });
  let owner;
  try {
    owner = JSON.parse(fs.readFileSync(ownerPath, "utf8"));
  } catch {
    owner = undefined;
  }
  if (owner && owner.root !== root) {
    const other = readState(path.join(owner.root, "state.json"));
    const procs = recordedProcesses(other);
    if (procs.length) log(`taking over from the testbed of ${owner.root}: stopping its daemons`);
    for (const p of procs) await stopPid(p.pid, p.marker, { graceMs: 10_000 });
  }
  fs.writeFileSync(
    ownerPath,
    `${JSON.stringify({ root, pid: process.pid, at: new Date().toISOString() })}\n`,
  );
}

export function releaseOwnership() {
  try {
    if (JSON.parse(fs.readFileSync(ownerPath, "utf8")).root === root) fs.rmSync(ownerPath);
  } catch {
    // nobody owns it
  }
}
