import { z } from "zod";

/** Names that end up in run ids, paths and container labels: no shell or path metacharacters. */
export const safeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
  message:
    "must start with a letter or digit and use only letters, digits, '.', '_' or '-' (at most 63)",
});

export const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
});
