import { z } from "zod";
import { safeName } from "./names.js";
import { slurmHostFields, slurmHostRule } from "./slurm-host.js";

const s3Uri = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,62}(\/.*)?$/;

export const s3StorageSchema = z
  .object({
    uri: z
      .string()
      .regex(s3Uri, {
        message: "must be s3://bucket[/prefix]",
      })
      .describe("Bucket and optional prefix."),
    endpoint: z.string().url().optional().describe("S3-compatible endpoint (MinIO, R2, Ceph)."),
    region: z
      .string()
      .optional()
      .describe(
        "Region for signing (default: the AWS chain: AWS_REGION, the profile's region; else us-east-1).",
      ),
    path_style: z
      .boolean()
      .optional()
      .describe(
        "Path-style URLs (default: on for a custom endpoint, from here or AWS_ENDPOINT_URL_S3; off for AWS).",
      ),
  })
  .strict();

/** A local directory, or an s3:// URI in the string form; any other scheme is a mistake. */
const storageString = z
  .string()
  .min(1)
  .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || s3Uri.test(value), {
    message: "not a local directory or an s3://bucket[/prefix] URI (no other scheme is supported)",
  });

export const storageSchema = z
  .union([storageString, s3StorageSchema])
  .describe(
    "Object store: a local directory, an s3:// URI, or {uri, endpoint, region, path_style}.",
  );

export const hostSchema = z
  .object({
    name: safeName.describe("Name used in --host and resources.hosts."),
    kind: z
      .enum(["ssh", "slurm"])
      .optional()
      .describe(
        "ssh (default): tunectl runs the trainer on this host; slurm: a cluster's login host, where tunectl submits jobs with sbatch.",
      ),
    address: z
      .string()
      .min(1)
      .optional()
      .describe("Address or ~/.ssh/config alias (default: name)."),
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_.-]*$/i)
      .optional()
      .describe("SSH user."),
    port: z.number().int().min(1).max(65535).optional().describe("SSH port."),
    identity_file: z.string().optional().describe("Private key file."),
    proxy_jump: z.string().optional().describe("Jump host (user@host:port or alias)."),
    runtime: z
      .enum(["docker", "podman", "process"])
      .default("docker")
      .describe("How the trainer runs."),
    gpus: z
      .union([z.literal("auto"), z.array(z.number().int().min(0))])
      .default("auto")
      .describe("GPU indices tunectl may use, or auto (every GPU nvidia-smi lists)."),
    workdir: z
      .string()
      .default(".tunectl")
      .describe("Directory on the host (relative to the login home)."),
    python: z
      .string()
      .default("python3")
      .describe(
        "Python with the trainer's requirements, for runtime: process; auto: tunectl makes a virtualenv from the trainer's lock.",
      ),
    ...slurmHostFields,
  })
  .strict()
  .superRefine(slurmHostRule);

export const workspaceSchema = z
  .object({
    storage: storageSchema.default(".tunectl/store"),
    known_hosts: z
      .string()
      .optional()
      .describe("known_hosts file checked before ~/.ssh/known_hosts."),
    ssh_config: z.string().optional().describe("ssh_config file (default ~/.ssh/config)."),
    hosts: z
      .array(hostSchema)
      .superRefine(uniqueHostNames)
      .default([
        {
          name: "local",
          address: "local",
          runtime: "process",
          gpus: "auto",
          workdir: ".tunectl/hosts/local",
          python: "auto", // the trainer's virtualenv from scripts/trainer/requirements.lock; see docs/launch.md
        },
      ]),
    defaults: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("Experiment fields merged under every experiment."),
  })
  .strict()
  .describe("A tunectl workspace (tunectl.yaml).");

/** Two hosts of one name: --host and resources.hosts could not tell them apart. */
function uniqueHostNames(hosts: Array<{ name: string }>, ctx: z.RefinementCtx): void {
  const first = new Map<string, number>();
  hosts.forEach((host, i) => {
    const earlier = first.get(host.name);
    if (earlier === undefined) first.set(host.name, i);
    else
      ctx.addIssue({
        code: "custom",
        path: [i, "name"],
        message: `duplicate host name "${host.name}" (hosts.${earlier} has it); give each host its own name`,
      });
  });
}

export type WorkspaceConfig = z.infer<typeof workspaceSchema>;
export type HostConfig = z.infer<typeof hostSchema>;
export type StorageConfig = z.infer<typeof storageSchema>;
