import type { RegisterCommand } from "../app.js";

/**
 * Every command, one file each. A command file imports core modules lazily inside its
 * action (`await import(...)`), so start-up stays cheap.
 */
export const commands: RegisterCommand[] = [];
