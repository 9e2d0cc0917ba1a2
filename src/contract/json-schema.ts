import { z } from "zod";
import { checkpointManifestSchema } from "./checkpoint-manifest.js";
import { evalResultSchema } from "./eval-result.js";
import { generationLineSchema } from "./generation-line.js";
import { metricLineSchema } from "./metric-line.js";
import { trainJsonSchema } from "./train-json.js";
import { trainerStatusSchema } from "./trainer-status.js";

/** Where the generated files live, relative to the repository root. */
export const contractSchemaDir = "scripts/trainer/trainer/schemas";

/**
 * The JSON Schema files the trainer validates against, by file name. train.json is described
 * as the orchestrator sends it (`io: output`: every default resolved, so every field present);
 * the documents the trainer writes are described as tunectl reads them (`io: input`), except
 * a metrics line, where `attempt` has a default only for lines recorded before the trainer
 * wrote it: the trainer must write it, so its file is generated with `io: output`.
 */
export function contractJsonSchemas(): Record<string, Record<string, unknown>> {
  const draft = (schema: z.ZodType, io: "input" | "output", title: string) => ({
    ...z.toJSONSchema(schema, { io, target: "draft-7", unrepresentable: "any" }),
    title,
  });
  return {
    "train.schema.json": draft(trainJsonSchema, "output", "tunectl train.json"),
    "status.schema.json": draft(trainerStatusSchema, "input", "tunectl status.json"),
    "metric-line.schema.json": draft(metricLineSchema, "output", "tunectl metrics.jsonl line"),
    "generation-line.schema.json": draft(
      generationLineSchema,
      "input",
      "tunectl generations.jsonl line",
    ),
    "checkpoint-manifest.schema.json": draft(
      checkpointManifestSchema,
      "input",
      "tunectl checkpoint manifest.json",
    ),
    "eval-result.schema.json": draft(evalResultSchema, "input", "tunectl trainer evaluate result"),
  };
}
