import { describe, expect, it } from "vitest";
import { matchRemoteError, remoteError, remoteErrorTable } from "./index.js";

// Real messages, copied from the tools' own output (OpenSSH 9.2, ssh2 1.17, Node 20, curl
// 7.88, docker 28, podman 4, CPython 3.11, torch 2.x, coreutils, the AWS SDK v3 as tunectl's
// s3Error passes it on: `${name}: ${message}`). Each must be matched by its row and no other.
const samples: Record<string, string[]> = {
  // Slurm 22.05 (Debian slurm-wlm), sbatch and the controller as the testbed's cluster says them.
  "slurm.invalid_partition": [
    "sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified",
  ],
  "slurm.invalid_time": ["sbatch: error: Invalid --time specification"],
  "slurm.invalid_account": [
    "sbatch: error: Batch job submission failed: Invalid account or account/partition combination specified",
  ],
  "slurm.invalid_qos": ["sbatch: error: Batch job submission failed: Invalid qos specification"],
  "slurm.invalid_constraint": [
    "sbatch: error: Batch job submission failed: Invalid feature specification",
  ],
  "slurm.time_limit_too_long": [
    "sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)",
  ],
  "slurm.invalid_gres": ["sbatch: error: Invalid generic resource (gres) specification"],
  "slurm.controller_unreachable": [
    "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)",
    "squeue: error: slurm_load_jobs error: Zero Bytes were transmitted or received",
  ],
  "ssh.host_key_changed": [
    [
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
      "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
      "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
      "Offending ED25519 key in /tmp/kh:1",
      "Host key for [127.0.0.1]:2299 has changed and you have requested strict checking.",
      "Host key verification failed.",
    ].join("\n"),
  ],
  "ssh.host_key_unknown": [
    "No ED25519 host key is known for [127.0.0.1]:2299 and you have requested strict checking.\nHost key verification failed.",
  ],
  "ssh.auth_failed": [
    "nobody@127.0.0.1: Permission denied (publickey,password,keyboard-interactive).",
    "All configured authentication methods failed ",
  ],
  "ssh.connection_refused": [
    "ssh: connect to host 127.0.0.1 port 1: Connection refused",
    "connect ECONNREFUSED 127.0.0.1:1 ECONNREFUSED",
  ],
  "ssh.unreachable": [
    "Timed out while waiting for handshake ",
    "Connection timed out during banner exchange\nConnection to 10.255.255.1 port 22 timed out",
    "ssh: connect to host 10.0.3.7 port 22: No route to host",
    "connect EHOSTUNREACH 10.0.3.7:22 EHOSTUNREACH",
    "read ETIMEDOUT ETIMEDOUT",
  ],
  "ssh.unknown_address": [
    "ssh: Could not resolve hostname nope.invalid: Name or service not known",
    "getaddrinfo ENOTFOUND nope.invalid ENOTFOUND",
  ],
  "host.storage_unreachable": [
    "curl: (6) Could not resolve host: nope.invalid",
    "curl: (7) Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server",
  ],
  "host.storage_refused": ["curl: (22) The requested URL returned error: 403"],
  "runtime.image_missing": [
    "Unable to find image 'localhost:1/nope:latest' locally\ndocker: Error response from daemon: Get \"http://localhost:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused.",
    "docker: Error response from daemon: pull access denied for nope, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.",
    "Error response from daemon: No such image: tunectl-trainer:cpu",
    "Error: tunectl-trainer:cpu: image not known",
    'Trying to pull localhost:1/nope:latest...\nError: initializing source docker://localhost:1/nope:latest: pinging container registry localhost:1: Get "https://localhost:1/v2/": dial tcp [::1]:1: connect: connection refused',
  ],
  "runtime.docker_unreachable": [
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/json": dial unix /var/run/docker.sock: connect: permission denied',
  ],
  "runtime.missing": ["sh: 1: docker: not found", "bash: line 1: podman: command not found"],
  "host.command_missing": ["curl: not found", "sh: 1: sha256sum: not found"],
  "runtime.no_gpu_support": [
    'docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].',
  ],
  "trainer.missing_module": [
    "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'torch'",
    "ImportError: cannot import name 'nope' from 'os' (/usr/lib/python3.11/os.py)",
  ],
  "trainer.no_cuda": [
    "AssertionError: Torch not compiled with CUDA enabled",
    "RuntimeError: No CUDA GPUs are available",
  ],
  "trainer.out_of_memory": [
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 79.15 GiB of which 6.69 MiB is free.",
    "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 13.22 GiB already allocated; 1.07 GiB free; 13.41 GiB reserved in total by PyTorch)",
  ],
  "host.disk_full": [
    "dd: error writing '/dev/full': No space left on device",
    "OSError: [Errno 28] No space left on device",
    "ENOSPC: no space left on device, write",
  ],
  "host.permission_denied": [
    "mkdir: cannot create directory ‘/root/x’: Permission denied",
    "touch: cannot touch '/root/x': Permission denied",
    "PermissionError: [Errno 13] Permission denied: '/output/metrics.jsonl'",
    "sh: 1: /srv/tunectl/run.sh: Permission denied",
  ],
  "storage.access_denied": [
    "AccessDenied: Access Denied",
    "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.",
    "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  ],
  "storage.no_such_bucket": ["NoSuchBucket: The specified bucket does not exist"],
};

describe("the remote-error table", () => {
  it("has real samples for every row, and no samples for a row it lacks", () => {
    expect(Object.keys(samples).sort()).toEqual(remoteErrorTable.map((row) => row.code).sort());
    expect(new Set(remoteErrorTable.map((row) => row.code)).size).toBe(remoteErrorTable.length);
  });

  for (const row of remoteErrorTable) {
    it(`${row.code}: matches its own messages and no other row's`, () => {
      for (const text of samples[row.code] ?? []) {
        expect(row.pattern.test(text), text).toBe(true);
        expect(matchRemoteError(text)?.code, text).toBe(row.code);
      }
      for (const [code, texts] of Object.entries(samples)) {
        if (code === row.code) continue;
        for (const text of texts) expect(row.pattern.test(text), `${code}: ${text}`).toBe(false);
      }
    });
  }

  it("fills messages from the remote's own words", () => {
    const module = matchRemoteError("ModuleNotFoundError: No module named 'peft'");
    expect(module?.message).toBe("the host's Python has no module peft");
    expect(
      matchRemoteError("ssh: connect to host gpu-a port 2222: Connection refused")?.message,
    ).toBe("connection refused by gpu-a port 2222");
    expect(matchRemoteError("getaddrinfo ENOTFOUND gpu-b.lan ENOTFOUND")?.message).toContain(
      "gpu-b.lan",
    );
    expect(matchRemoteError(samples["runtime.image_missing"]![4]!)?.message).toContain(
      "localhost:1/nope:latest",
    );
    const oom = matchRemoteError(samples["trainer.out_of_memory"]![1]!);
    expect(oom?.message).toContain("2.00 GiB");
  });

  it("a missing Python module is not an unknown address (the old /ENOTFOUND/i matched it)", () => {
    const error = remoteError("starting the trainer on h1", samples["trainer.missing_module"]![0]!);
    expect(error.code).toBe("trainer.missing_module");
    expect(error.kind).toBe("infra");
    expect(error.message).toContain("no module torch");
    expect(error.hint).toContain("python");
  });

  it("keeps the remote's last lines, and says remote.failed for what it does not know", () => {
    const known = remoteError("fetching the dataset on h2", "curl: (6) Could not resolve host: s3");
    expect(known.message).toContain("(curl: (6) Could not resolve host: s3)");
    const unknown = remoteError("on h1", "something odd\nhappened");
    expect(unknown.code).toBe("remote.failed");
    expect(unknown.message).toBe("on h1: something odd | happened");
  });
});
