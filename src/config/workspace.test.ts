import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, UserError } from "../errors/index.js";
import { loadExperiment } from "./experiment.js";
import { minimal, tempFiles } from "./testing/temp-files.js";
import { findWorkspace, loadWorkspace } from "./workspace.js";

describe("findWorkspace", () => {
  it("walks up to the nearest tunectl.yaml", () => {
    const root = tempFiles({ "tunectl.yaml": "{}\n", "a/b/c/x.txt": "" });
    expect(findWorkspace(path.join(root, "a", "b", "c"))).toBe(root);
    expect(findWorkspace(path.join(root, "a"))).toBe(root);
  });

  it("stops at the nearest one", () => {
    const root = tempFiles({ "tunectl.yaml": "{}\n", "inner/tunectl.yaml": "{}\n" });
    expect(findWorkspace(path.join(root, "inner"))).toBe(path.join(root, "inner"));
  });
});

describe("loadWorkspace", () => {
  it("uses the embedded defaults without a file", async () => {
    const cwd = tempFiles({});
    const ws = await loadWorkspace({ cwd });
    expect(ws.file).toBeUndefined();
    expect(ws.root).toBe(cwd);
    expect(ws.stateDir).toBe(path.join(cwd, ".tunectl"));
    expect(ws.config.storage).toBe(path.join(cwd, ".tunectl", "store"));
    expect(ws.config.hosts.map((h) => h.name)).toEqual(["local"]);
  });

  it("says a --workspace that is a file is a file, and points at its directory", async () => {
    const cwd = tempFiles({ "ws/tunectl.yaml": "{}\n", "notes.txt": "" });
    const named = await loadWorkspace({ cwd, dir: "ws/tunectl.yaml" }).catch((e: unknown) => e);
    expect(named).toBeInstanceOf(UserError);
    expect((named as UserError).message).toBe(
      "workspace ws/tunectl.yaml is a file, not a directory",
    );
    expect((named as UserError).hint).toBe(
      "--workspace takes the directory that holds tunectl.yaml: --workspace ws",
    );
    const other = await loadWorkspace({ cwd, dir: "notes.txt" }).catch((e: unknown) => e);
    expect((other as UserError).message).toBe("workspace notes.txt is a file, not a directory");
    const missing = await loadWorkspace({ cwd, dir: "nope" }).catch((e: unknown) => e);
    expect((missing as UserError).message).toBe("workspace directory nope does not exist");
  });

  it("resolves local paths against the workspace root", async () => {
    const root = tempFiles({
      "tunectl.yaml":
        "storage: store\nknown_hosts: ./kh\nssh_config: ~/.ssh/config\nhosts:\n  - {name: h1, identity_file: keys/id}\n",
      "sub/dir/.keep": "",
    });
    const ws = await loadWorkspace({ cwd: path.join(root, "sub", "dir") });
    expect(ws.root).toBe(root);
    expect(ws.file).toBe(path.join(root, "tunectl.yaml"));
    expect(ws.config.storage).toBe(path.join(root, "store"));
    expect(ws.config.known_hosts).toBe(path.join(root, "kh"));
    expect(ws.config.ssh_config).toBe("~/.ssh/config");
    expect(ws.config.hosts[0]?.identity_file).toBe(path.join(root, "keys", "id"));
  });

  it("keeps an s3 storage as it is and interpolates env", async () => {
    const root = tempFiles({
      "tunectl.yaml": "storage:\n  uri: s3://bk/p\n  endpoint: ${env:EP:-http://localhost:9000}\n",
    });
    const ws = await loadWorkspace({ cwd: root, env: {} });
    expect(ws.config.storage).toEqual({
      uri: "s3://bk/p",
      endpoint: "http://localhost:9000",
    });
  });

  it("honours --workspace", async () => {
    const root = tempFiles({ "ws/tunectl.yaml": "storage: s\n" });
    const ws = await loadWorkspace({ dir: "ws", cwd: root });
    expect(ws.config.storage).toBe(path.join(root, "ws", "s"));
    await expect(loadWorkspace({ dir: "nope", cwd: root })).rejects.toThrow(UserError);
  });

  it("reports a bad workspace file with positions", async () => {
    const root = tempFiles({
      "tunectl.yaml": "hosts:\n  - name: a\n    runtime: lxc\nstorag: x\n",
    });
    const error = (await loadWorkspace({ cwd: root }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.problems.map(formatProblem).map((l) => l.split("\n")[0])).toEqual([
      'tunectl.yaml:3:14: hosts.0.runtime: string "lxc" is not allowed (expected one of "docker", "podman", "process")',
      "tunectl.yaml:4:1: storag: unknown key; did you mean storage?",
    ]);
  });

  it("merges defaults under every experiment, with their positions", async () => {
    const root = tempFiles({
      "tunectl.yaml":
        "defaults:\n  train:\n    seed: 7\n    lr_scheduler: steps\n  data:\n    train: [{path: d/x.jsonl, format: alpaca}]\n",
      "exp/e.yaml": "name: e\ntrain:\n  lr_scheduler: linear\n  max_steps: 1\n",
      "exp/bad.yaml": "name: e\n",
    });
    const workspace = await loadWorkspace({ cwd: root });
    const { experiment } = await loadExperiment("exp/e.yaml", { cwd: root, env: {}, workspace });
    expect(experiment.train.seed).toBe(7);
    expect(experiment.train.lr_scheduler).toBe("linear");
    expect((experiment.data.train[0] as { path?: string } | undefined)?.path).toBe(
      path.join(root, "d", "x.jsonl"),
    );
    const error = (await loadExperiment("exp/bad.yaml", { cwd: root, env: {}, workspace }).catch(
      (e: unknown) => e,
    )) as UserError;
    expect(formatProblem(error.problems[0]!)).toMatch(
      /^tunectl\.yaml:4:19: train\.lr_scheduler: string "steps" is not allowed/,
    );
  });
});

describe("the example workspace", () => {
  it("configs/tunectl.yaml loads", async () => {
    const ws = await loadWorkspace({ dir: "configs", cwd: process.cwd(), env: {} });
    expect(ws.config.hosts.map((h) => h.name)).toEqual(["gpu-a", "gpu-b", "cluster"]);
    expect(minimal).toBeTruthy();
  });
});
