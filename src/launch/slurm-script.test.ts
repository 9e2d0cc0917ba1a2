import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeHostConfig } from "../hosts/index.js";
import {
  batchSignal,
  nodeAddrSh,
  renderBatchScript,
  sbatchOptions,
  type SlurmJob,
} from "./slurm-script.js";

const job = (host: Partial<SlurmJob["host"]>, gpus = 0, nodes = 1): SlurmJob => ({
  runId: "r-1",
  attempt: 2,
  host: { ...fakeHostConfig("c"), kind: "slurm", runtime: "process", ...host },
  gpus,
  nodes,
  runDir: "/shared/runs/r-1",
  output: "/shared/runs/r-1/output",
  envFile: "/shared/runs/r-1/.env-attempt-2",
  command: ["/shared/venv/bin/python", "-m", "trainer", "--output", "/shared/runs/r-1/output"],
});

describe("the sbatch script", () => {
  it("says every scheduler setting of the host as its own #SBATCH line", () => {
    const options = sbatchOptions(
      job(
        {
          partition: "gpu",
          account: "ml",
          qos: "high",
          constraint: "a100|h100",
          time: "04:00:00",
          sbatch_options: ["--mem=64G", "--exclusive"],
        },
        4,
      ),
    );
    expect(options).toEqual([
      "--job-name=tunectl-r-1-a2",
      "--partition=gpu",
      "--account=ml",
      "--qos=high",
      "--constraint=a100|h100",
      "--time=04:00:00",
      "--nodes=1",
      "--ntasks=1",
      "--gpus-per-node=4",
      "--signal=B:USR1@90",
      "--requeue",
      "--open-mode=append",
      "--chdir=/shared/runs/r-1/output",
      "--output=/shared/runs/r-1/slurm-%j.out",
      "--mem=64G",
      "--exclusive",
    ]);
  });

  it("leaves out what the host does not set, asks for no GPU on CPU, and honours requeue: false", () => {
    const options = sbatchOptions(job({ requeue: false }));
    expect(options.some((o) => /partition|account|qos|constraint|time|gpus/.test(o))).toBe(false);
    expect(options).toContain("--no-requeue");
    expect(options).not.toContain("--requeue");
  });

  it("sends the warning signal to the batch shell, which turns it into the trainer's SIGTERM", () => {
    expect(batchSignal(undefined)).toBe("B:USR1@90");
    expect(batchSignal("SIGUSR2@300")).toBe("B:USR2@300");
    const script = renderBatchScript(job({ signal: "USR2@120" }));
    expect(script).toContain("#SBATCH --signal=B:USR2@120\n");
    expect(script).toContain(`trap 'kill -TERM "$trainer" 2>/dev/null' TERM\n`);
    expect(script).toContain(`trap 'warned=1; kill -TERM "$trainer" 2>/dev/null' USR2\n`);
  });

  it("runs the trainer with its output appended to the attempt log and records its exit status", () => {
    const script = renderBatchScript(job({}));
    expect(script.startsWith("#!/bin/bash\n")).toBe(true);
    expect(script).toContain(
      '/shared/venv/bin/python -m trainer --output /shared/runs/r-1/output >>"$log" 2>&1 </dev/null &\n',
    );
    expect(script).toContain("attempt=$((2 + ${SLURM_RESTART_COUNT:-0}))\n");
    expect(script).toContain("log=/shared/runs/r-1/output/logs/attempt-$attempt.log\n");
    expect(script).toContain('exit_file="$run_dir/attempt-$attempt.exit"\n');
    expect(script).toContain("export TUNECTL_ATTEMPT=$attempt\n");
    expect(script).toContain('rm -f "$env_file"\necho "$status"');
    // every #SBATCH line comes before the first command, or sbatch ignores it
    const lines = script.split("\n");
    const lastOption = lines.findLastIndex((l) => l.startsWith("#SBATCH"));
    const firstCommand = lines.findIndex((l) => l !== "" && !l.startsWith("#"));
    expect(lastOption).toBeLessThan(firstCommand);
  });

  it("requeues a trainer that checkpointed on the warning signal as the next attempt, unless requeue is off", () => {
    const script = renderBatchScript(job({}));
    expect(script).toContain(
      'if [ -n "$warned" ] && [ "$status" = 75 ] && scontrol requeue "$SLURM_JOB_ID"; then\n',
    );
    // the marker is written after the requeue succeeded, and no exit file ends the attempt
    const requeue = script.slice(script.indexOf("scontrol requeue"));
    expect(requeue.indexOf('attempt-$attempt.requeue"')).toBeLessThan(requeue.indexOf("exit 0"));
    expect(requeue.indexOf("exit 0")).toBeLessThan(requeue.indexOf('>"$exit_file.tmp"'));
    // a restarted run resumes from the newest checkpoint with a manifest and says which
    expect(script).toContain('export TUNECTL_RESUME_FROM="$checkpoints/step-$step"');
    expect(script).toContain('>"$run_dir/attempt-$attempt.resume"');
    const off = renderBatchScript(job({ requeue: false }));
    expect(off).not.toContain("scontrol requeue");
    expect(off).toContain("#SBATCH --no-requeue\n");
  });

  it("quotes a word the shell would read otherwise", () => {
    const script = renderBatchScript({
      ...job({}),
      command: ["/shared/my venv/bin/python", "-m", "trainer"],
    });
    expect(script).toContain("'/shared/my venv/bin/python' -m trainer >>");
  });
});

describe("the sbatch script of several nodes", () => {
  const script = renderBatchScript(job({}, 2, 2));

  it("asks for one task per node and GPUs per node", () => {
    const options = sbatchOptions(job({}, 2, 2));
    expect(options).toContain("--nodes=2");
    expect(options).toContain("--ntasks-per-node=1");
    expect(options).not.toContain("--ntasks=1");
    expect(options).toContain("--gpus-per-node=2");
  });

  it("starts one labelled srun task per node with the rendezvous on the first node", () => {
    expect(script).toContain(
      "srun --label --kill-on-bad-exit=1 --nodes=2 --ntasks-per-node=1 bash -c",
    );
    expect(script).toContain("export TUNECTL_NNODES=2 TUNECTL_RDZV_ID=r-1-a$attempt");
    expect(script).toMatch(
      /head=\$\(scontrol show hostnames "\$SLURM_JOB_NODELIST" \| head -n 1\)/,
    );
    expect(execFileSync("bash", ["-n"], { input: script }).toString()).toBe("");
  });

  it("gives each node its rank, address and the interface that holds it, then the trainer", () => {
    // the per-node part as srun runs it, with scontrol answering for node n2 at 127.0.0.1
    const perNode = /bash -c ('(?:[^']|'\\'')*')/.exec(script)![1]!;
    const bin = mkdtempSync(path.join(tmpdir(), "tunectl-srun-"));
    writeFileSync(
      path.join(bin, "scontrol"),
      '#!/bin/sh\necho "NodeName=$3 Arch=x86_64"\necho "   NodeAddr=127.0.0.1 NodeHostName=$3"\n',
      { mode: 0o755 },
    );
    const python = path.join(bin, "python");
    writeFileSync(python, "#!/bin/sh\nenv | grep -E '^(TUNECTL_NODE|GLOO|NCCL)' | sort\n", {
      mode: 0o755,
    });
    const body = `${nodeAddrSh}
export -f node_addr
bash -c ${perNode.replace("/shared/venv/bin/python", python)}`;
    const out = execFileSync("bash", ["-c", body], {
      env: { PATH: `${bin}:${process.env.PATH}`, SLURM_NODEID: "1", SLURMD_NODENAME: "n2" },
    }).toString();
    expect(out.split("\n").filter(Boolean)).toEqual([
      "GLOO_SOCKET_IFNAME=lo",
      "NCCL_SOCKET_IFNAME=lo",
      "TUNECTL_NODE_ADDR=127.0.0.1",
      "TUNECTL_NODE_RANK=1",
    ]);
    rmSync(bin, { recursive: true, force: true });
  });
});
