import { z } from "zod";
import { safeName } from "./names.js";

export const resourcesSchema = z
  .object({
    gpus: z.number().int().min(0).default(1).describe("GPUs to lease on one host (0 for CPU)."),
    nodes: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe(
        "Nodes of one attempt, each with resources.gpus GPUs: torchrun on each, c10d rendezvous keyed by the run id (Slurm hosts).",
      ),
    hosts: z
      .array(safeName)
      .optional()
      .describe("Hosts to place on, in order of preference (default: every host)."),
    image: z.string().min(1).default("tunectl-trainer:cuda").describe("Trainer container image."),
    shm_size: z
      .string()
      .regex(/^[0-9]+[bkmg]?$/i, { message: "must be a size like 16g or 512m" })
      .default("8g")
      .describe("Shared memory for the container."),
    min_disk_gb: z.number().min(0).default(1).describe("Free disk the host's workdir must have."),
  })
  .strict()
  .describe("Where and how the trainer runs.");

export type ResourcesConfig = z.infer<typeof resourcesSchema>;
