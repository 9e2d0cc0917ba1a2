import { z } from "zod";
import { experimentSchema } from "./schema/index.js";

/**
 * JSON Schema of the experiment file as people write it (defaults make fields optional).
 * Draft 7, which every YAML/JSON editor plugin understands.
 */
export function experimentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(experimentSchema, {
      io: "input",
      target: "draft-7",
      unrepresentable: "any",
    }),
    title: "tunectl experiment",
  };
}
