import { describe, expect, it } from "vitest";
import { formatProblem, UserError } from "../errors/index.js";
import { tempFiles } from "./testing/temp-files.js";
import { loadWorkspace } from "./workspace.js";

const problemsOf = async (yaml: string) => {
  const root = tempFiles({ "tunectl.yaml": yaml });
  const error = (await loadWorkspace({ cwd: root }).catch((e: unknown) => e)) as UserError;
  expect(error).toBeInstanceOf(UserError);
  return error.problems.map(formatProblem).map((line) => line.split("\n")[0]);
};

const slurmHost = (extra: string) =>
  `hosts:\n  - name: c\n    kind: slurm\n    address: login\n    runtime: process\n    shared_dir: /shared/t\n${extra}`;

describe("a kind: slurm host", () => {
  it("loads with its settings, and its shared_dir is where runs live", async () => {
    const root = tempFiles({
      "tunectl.yaml": slurmHost(
        '    partition: gpu\n    account: ml\n    qos: normal\n    constraint: a100|h100\n    time: "1-12:00:00"\n    signal: USR2@120\n    sbatch_options: ["--mem=64G", "--exclusive"]\n',
      ),
    });
    const host = (await loadWorkspace({ cwd: root })).config.hosts[0]!;
    expect(host).toMatchObject({
      kind: "slurm",
      partition: "gpu",
      account: "ml",
      qos: "normal",
      constraint: "a100|h100",
      time: "1-12:00:00",
      signal: "USR2@120",
      sbatch_options: ["--mem=64G", "--exclusive"],
      workdir: "/shared/t",
    });
  });

  it("refuses a time Slurm would refuse, at its line and config path", async () => {
    expect(await problemsOf(slurmHost('    time: "2 hours"\n'))).toEqual([
      'tunectl.yaml:7:11: hosts.0.time: string "2 hours": must be a Slurm time: "MM", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS" or UNLIMITED',
    ]);
  });

  it("needs shared_dir and the process runtime", async () => {
    const problems = await problemsOf(
      "hosts:\n  - name: c\n    kind: slurm\n    runtime: docker\n",
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/hosts\.0\.shared_dir: a kind: slurm host needs shared_dir/);
    expect(problems[1]).toMatch(/hosts\.0\.runtime: runtime docker is not supported on Slurm/);
  });

  it("refuses Slurm settings on an SSH host rather than dropping them", async () => {
    const problems = await problemsOf("hosts:\n  - name: a\n    partition: gpu\n");
    expect(problems).toEqual([
      "tunectl.yaml:3:16: hosts.0.partition: partition is a Slurm setting: only a host with kind: slurm has it",
    ]);
  });

  it("refuses an sbatch option that is not one long option, and a malformed signal", async () => {
    const problems = await problemsOf(
      slurmHost('    sbatch_options: ["--mem=1G; rm -rf /\\n"]\n    signal: "USR1"\n'),
    );
    expect(problems.join("\n")).toMatch(
      /hosts\.0\.sbatch_options\.0: string .*: must be one long sbatch option/,
    );
    expect(problems.join("\n")).toMatch(/hosts\.0\.signal: string "USR1": must be SIGNAL@SECONDS/);
  });
});
