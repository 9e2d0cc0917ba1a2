import { describe, expect, it } from "vitest";
import {
  describeJob,
  parseSacct,
  parseScontrol,
  parseSlurmProbe,
  parseSqueue,
  probeFromSlurm,
} from "./slurm-job-state.js";

// Real lines: Slurm 22.05 (the testbed's, without slurmdbd) and sacct's documented -P format
// on a cluster with accounting (23.x prints the same columns).
const scontrolDone =
  "JobId=3 JobName=tunectl-r-a1 UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901757 Nice=0 Account=(null) QOS=(null) JobState=COMPLETED Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:55 TimeLimit=00:20:00";
const scontrolFailed =
  "JobId=1 JobName=t1 UserId=root(0) GroupId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:03";

const probeText = (parts: Record<string, string>) =>
  Object.entries(parts)
    .map(([name, body]) => `@@${name}\n${body}\n`)
    .join("");

describe("reading a job's state", () => {
  it("takes sacct's state, exit code and signal, whatever follows the state word", () => {
    expect(parseSacct("41|CANCELLED by 1000|0:15|None\n41.batch|CANCELLED|0:15|\n", "41")).toEqual({
      state: "CANCELLED",
      exitCode: 0,
      signal: 15,
      source: "sacct",
    });
    expect(parseSacct("42|TIMEOUT|0:0|TimeLimit\n", "42")).toMatchObject({
      state: "TIMEOUT",
      reason: "TimeLimit",
    });
    expect(parseSacct("Slurm accounting storage is disabled\n", "42")).toBeUndefined();
  });

  it("takes squeue's state and pending reason", () => {
    expect(parseSqueue("7|PENDING|Priority\n", "7")).toEqual({
      state: "PENDING",
      reason: "Priority",
      source: "squeue",
    });
    expect(parseSqueue("3|COMPLETED|None\n", "3")).toEqual({
      state: "COMPLETED",
      source: "squeue",
    });
    expect(parseSqueue("slurm_load_jobs error: Invalid job id specified\n", "3")).toBeUndefined();
  });

  it("takes scontrol's JobState, Reason and ExitCode", () => {
    expect(parseScontrol(scontrolFailed, "1")).toEqual({
      state: "FAILED",
      reason: "NonZeroExitCode",
      exitCode: 3,
      source: "scontrol",
    });
    expect(parseScontrol(scontrolDone, "33")).toBeUndefined();
  });
});

describe("the attempt as tunectl sees a job", () => {
  it("is running while pending, with the reason said", () => {
    const result = parseSlurmProbe(
      probeText({
        sacct: "Slurm accounting storage is disabled\nrc=1",
        squeue: "7|PENDING|Resources\nrc=0",
        scontrol: "JobId=7 JobState=PENDING Reason=Resources ExitCode=0:0\nrc=0",
      }),
      "7",
    );
    expect(probeFromSlurm("7", result)).toEqual({
      state: "running",
      detail: "Slurm job 7 PENDING (Resources)",
      scheduler: { state: "PENDING", reason: "Resources" },
    });
  });

  it("ends with the trainer's own exit status when the batch script recorded it", () => {
    const result = parseSlurmProbe(
      probeText({
        sacct: "Slurm accounting storage is disabled\nrc=1",
        squeue: "3|CANCELLED|None\nrc=0",
        scontrol: "JobId=3 JobState=CANCELLED Reason=None ExitCode=0:15\nrc=0",
        exit: "75",
      }),
      "3",
    );
    expect(probeFromSlurm("3", result)).toMatchObject({ state: "exited", exitCode: 75 });
  });

  it("uses Slurm's exit code when only Slurm knows it, with squeue's state and scontrol's code", () => {
    const result = parseSlurmProbe(
      probeText({
        sacct: "Slurm accounting storage is disabled\nrc=1",
        squeue: "1|FAILED|NonZeroExitCode\nrc=0",
        scontrol: `${scontrolFailed}\nrc=0`,
      }),
      "1",
    );
    expect(probeFromSlurm("1", result)).toEqual({
      state: "exited",
      exitCode: 3,
      detail: "Slurm job 1 FAILED (exit 3)",
    });
  });

  it("is gone when Slurm ended it without the trainer's status, naming the signal", () => {
    const result = parseSlurmProbe(
      probeText({ sacct: "9|NODE_FAIL|0:9|None\nrc=0", squeue: "rc=0", scontrol: "rc=1" }),
      "9",
    );
    expect(probeFromSlurm("9", result)).toEqual({
      state: "gone",
      detail: "Slurm job 9 NODE_FAIL (killed by SIGKILL)",
    });
  });

  it("is gone when the cluster forgot the job, and unanswered when no tool answered", () => {
    const forgotten = parseSlurmProbe(
      probeText({
        sacct: "Slurm accounting storage is disabled\nrc=1",
        squeue: "slurm_load_jobs error: Invalid job id specified\nrc=1",
        scontrol: "slurm_load_jobs error: Invalid job id specified\nrc=1",
      }),
      "5",
    );
    expect(forgotten.unanswered).toBe(false);
    expect(probeFromSlurm("5", forgotten)).toEqual({
      state: "gone",
      detail: "Slurm job 5 is not known to the cluster",
    });
    const down = parseSlurmProbe(
      probeText({
        sacct: "sacct: error: Problem talking to the database: Connection refused\nrc=1",
        squeue: "squeue: error: Unable to contact slurm controller (connect failure)\nrc=1",
        scontrol:
          "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\nrc=1",
      }),
      "5",
    );
    expect(down.unanswered).toBe(true);
  });

  it("is requeued after the time-limit checkpoint (the script's marker), or by Slurm when the next attempt's log appears", () => {
    const stopped = parseSlurmProbe(
      probeText({
        sacct: "Slurm accounting storage is disabled\nrc=1",
        squeue: "6|PENDING|BeginTime\nrc=0",
        scontrol:
          "JobId=6 JobState=PENDING Reason=BeginTime Requeue=1 Restarts=1 ExitCode=0:0\nrc=0",
        requeue: "/shared/runs/r/output/checkpoints/step-12",
      }),
      "6",
    );
    expect(probeFromSlurm("6", stopped)).toEqual({
      state: "requeued",
      how: "stopped",
      resumeFrom: "/shared/runs/r/output/checkpoints/step-12",
      detail: "Slurm job 6 PENDING (BeginTime)",
    });
    const gone = parseSlurmProbe(
      probeText({
        sacct: "Slurm accounting storage is disabled\nrc=1",
        squeue: "6|RUNNING|None\nrc=0",
        scontrol: "JobId=6 JobState=RUNNING Reason=None Restarts=1 ExitCode=0:0\nrc=0",
        next: "",
      }),
      "6",
    );
    expect(probeFromSlurm("6", gone)).toEqual({
      state: "requeued",
      how: "gone",
      detail: "Slurm job 6 RUNNING",
    });
  });

  it("describes a job ended by a signal by the signal's name", () => {
    expect(describeJob("4", { state: "TIMEOUT", signal: 15, exitCode: 0, source: "sacct" })).toBe(
      "Slurm job 4 TIMEOUT (killed by SIGTERM)",
    );
  });
});
