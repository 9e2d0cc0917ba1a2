import { z } from "zod";

export const checkpointManifestFormat = 1;

export const manifestFileSchema = z
  .object({
    path: z.string().min(1).describe("File path relative to the checkpoint directory."),
    size: z.number().int().min(0).describe("Size in bytes."),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: "must be 64 lowercase hex digits" })
      .describe("SHA-256 of the file."),
  })
  .strict();

/**
 * `checkpoints/step-<N>/manifest.json`, written last by the trainer: a checkpoint without a
 * valid one does not exist. Path safety and the step/directory match are checked by the reader.
 */
export const checkpointManifestSchema = z
  .looseObject({
    format: z
      .literal(checkpointManifestFormat)
      .default(checkpointManifestFormat)
      .describe("Layout version of this manifest."),
    run_id: z.string().optional().describe("The run that wrote the checkpoint."),
    step: z.number().int().min(0).describe("Optimizer step the checkpoint holds."),
    created: z.number().optional().describe("Unix time of the write, in seconds."),
    metrics: z
      .record(z.string(), z.number().nullable())
      .default({})
      .describe("Metrics at the step (loss, eval_loss, lr, ...); null when not finite."),
    files: z.array(manifestFileSchema).describe("Every file of the checkpoint but the manifest."),
  })
  .describe("tunectl checkpoint manifest.json.");

export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
