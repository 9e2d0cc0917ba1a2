import type { z } from "zod";
import type { Problem } from "../../errors/index.js";
import { acceptsString, schemaAt } from "../schema-walk.js";
import { mapScalars, type ConfigNode } from "./config-node.js";
import { typedScalar } from "./typed-scalar.js";

export type Env = Record<string, string | undefined>;

const expression = /\$\$\{|\$\{env:([^}]*)\}/g;
const nameAndDefault = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * `${env:NAME}` and `${env:NAME:-default}` in string values; `$${` writes a literal `${`.
 * As in the shell, an empty variable takes the default. A value that is one whole plain
 * expression is typed by the schema afterwards (`learning_rate: ${env:LR:-1e-4}` is a number).
 */
export function interpolateEnv(
  root: ConfigNode,
  env: Env,
  schema: z.core.$ZodType,
): { node: ConfigNode; problems: Problem[] } {
  const problems: Problem[] = [];
  const node = mapScalars(root, (scalar, path) => {
    if (typeof scalar.value !== "string" || !scalar.value.includes("${")) return scalar;
    const text = scalar.value;
    let whole = false;
    const result = text.replace(expression, (match, inner: string | undefined, offset: number) => {
      if (inner === undefined) return "${";
      const parsed = nameAndDefault.exec(inner);
      if (!parsed) {
        problems.push({
          position: scalar.at,
          path: path.join("."),
          message: `bad interpolation ${match}`,
          expected: "${env:NAME} or ${env:NAME:-default}",
        });
        return match;
      }
      whole = offset === 0 && match.length === text.length;
      const [, name = "", fallback] = parsed;
      const value = env[name];
      if (value !== undefined && (value !== "" || fallback === undefined)) return value;
      if (fallback !== undefined) return fallback;
      problems.push({
        position: scalar.at,
        path: path.join("."),
        message: `environment variable ${name} is not set`,
        hint: `export ${name}=..., or give a default: \${env:${name}:-value}`,
      });
      return match;
    });
    if (whole && scalar.plain && !acceptsString(schemaAt(schema, path))) {
      return { ...scalar, value: typedScalar(result) };
    }
    return { ...scalar, value: result };
  });
  return { node, problems };
}
