import { readFile } from "node:fs/promises";
import { UserError } from "../../errors/index.js";

/**
 * The text of a spec file a command was given (`data generate SPEC`, `sweep SPEC`), or a
 * UserError (exit 2) naming it as shown: not found, or why it cannot be read.
 */
export async function readSpecText(
  specFile: string,
  shown: string,
  { code, hint }: { code: string; hint: string },
): Promise<string> {
  try {
    return await readFile(specFile, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${shown}: ${reason === "ENOENT" ? "file not found" : `cannot read (${reason})`}`,
      { code, hint, cause: error },
    );
  }
}
