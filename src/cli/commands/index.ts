import type { RegisterCommand } from "../app.js";
import { registerCompare } from "./compare.js";
import { registerSchema } from "./schema.js";
import { registerValidate } from "./validate.js";

/**
 * Every command, one file each. A command file imports core modules lazily inside its
 * action (`await import(...)`), so start-up stays cheap.
 */
export const commands: RegisterCommand[] = [registerValidate, registerSchema, registerCompare];
