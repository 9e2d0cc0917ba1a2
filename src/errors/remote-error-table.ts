import { InfraError, UserError, type TunectlError } from "./tunectl-error.js";

/**
 * Remote stderr (ssh, docker, podman, CUDA, S3, the shell) mapped to what a person can act on.
 * Order matters: the first matching row wins.
 */
export interface RemoteErrorRow {
  pattern: RegExp;
  code: string;
  kind: "user" | "infra";
  message: string;
  resolution: string;
}

export const remoteErrorTable: RemoteErrorRow[] = [
  // First: a failed pull quotes the registry's own network error (e.g. "connection refused"),
  // which must not read as an SSH failure.
  {
    pattern:
      /Unable to find image|pull access denied|manifest unknown|image not known|No such image/i,
    code: "runtime.image_missing",
    kind: "user",
    message: "the trainer image is not on the host and could not be pulled",
    resolution: "build or load the image on the host, or set `resources.image` to one it can pull",
  },
  {
    pattern: /REMOTE HOST IDENTIFICATION HAS CHANGED|host key (?:has )?changed/i,
    code: "ssh.host_key_changed",
    kind: "infra",
    message: "the host presented a different host key than the one recorded",
    resolution: "verify the host out of band, then remove the old key from known_hosts",
  },
  {
    pattern: /All configured authentication methods failed|Permission denied \(publickey/i,
    code: "ssh.auth_failed",
    kind: "infra",
    message: "the host refused our SSH key",
    resolution:
      "check `user` and `identity_file` for this host in tunectl.yaml, or load the key into ssh-agent",
  },
  {
    pattern: /ECONNREFUSED|Connection refused/i,
    code: "ssh.connection_refused",
    kind: "infra",
    message: "connection refused",
    resolution: "is sshd running on the host and listening on the configured port?",
  },
  {
    pattern:
      /ETIMEDOUT|Timed out while waiting for handshake|EHOSTUNREACH|ENETUNREACH|No route to host/i,
    code: "ssh.unreachable",
    kind: "infra",
    message: "host unreachable",
    resolution:
      "check the host's address and network; tunectl retries on its own while a run is attached",
  },
  {
    pattern: /ENOTFOUND|Could not resolve hostname|getaddrinfo/i,
    code: "ssh.unknown_address",
    kind: "user",
    message: "the host's address does not resolve",
    resolution: "fix `address` in tunectl.yaml or the alias in ~/.ssh/config",
  },
  {
    pattern: /Cannot connect to the Docker daemon|docker\.sock.*(?:connect|permission denied)/i,
    code: "runtime.docker_unreachable",
    kind: "infra",
    message: "the Docker daemon on the host does not answer",
    resolution: "start dockerd on the host, or set `runtime: podman` or `runtime: process` for it",
  },
  {
    pattern: /(?:docker|podman|python3): (?:command )?not found/i,
    code: "runtime.missing",
    kind: "infra",
    message: "the container runtime is not installed on the host",
    resolution: "install it, or choose another `runtime` for this host in tunectl.yaml",
  },
  {
    pattern: /could not select device driver .* with capabilities: \[\[gpu\]\]/i,
    code: "runtime.no_gpu_support",
    kind: "infra",
    message: "the container runtime on the host has no GPU support",
    resolution: "install the NVIDIA container toolkit on the host",
  },
  {
    pattern: /CUDA out of memory|OutOfMemoryError/i,
    code: "trainer.out_of_memory",
    kind: "user",
    message: "the GPU ran out of memory",
    resolution:
      "lower train.micro_batch_size or data.max_seq_len, or enable train.gradient_checkpointing",
  },
  {
    pattern: /No space left on device|ENOSPC|disk full/i,
    code: "host.disk_full",
    kind: "infra",
    message: "disk full on the host",
    resolution: "free space in the host's workdir, or run on another host",
  },
  {
    pattern: /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch/i,
    code: "storage.access_denied",
    kind: "infra",
    message: "the object store refused access",
    resolution:
      "check the AWS credentials in your environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)",
  },
  {
    pattern: /NoSuchBucket/i,
    code: "storage.no_such_bucket",
    kind: "user",
    message: "the bucket does not exist",
    resolution: "create it, or fix `storage.uri` in tunectl.yaml",
  },
];

export function matchRemoteError(text: string): RemoteErrorRow | undefined {
  return remoteErrorTable.find((row) => row.pattern.test(text));
}

/** Build the error for a remote failure: the table's words first, the remote's own words kept. */
export function remoteError(context: string, remoteText: string, cause?: unknown): TunectlError {
  const row = matchRemoteError(remoteText);
  const tail = remoteText.trim().split("\n").slice(-3).join(" | ");
  if (!row) {
    return new InfraError(`${context}: ${tail || "failed"}`, { code: "remote.failed", cause });
  }
  const ErrorClass = row.kind === "user" ? UserError : InfraError;
  return new ErrorClass(`${context}: ${row.message} (${tail})`, {
    code: row.code,
    hint: row.resolution,
    cause,
  });
}
