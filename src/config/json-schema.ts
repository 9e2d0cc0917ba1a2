import { z } from "zod";
import { experimentSchema } from "./schema/index.js";

/** JSON Schema of the experiment file as people write it (defaults make fields optional). */
export function experimentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(experimentSchema, { io: "input", unrepresentable: "any" }),
    title: "tunectl experiment",
  };
}
