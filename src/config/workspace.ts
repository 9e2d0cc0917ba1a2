import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { UserError, type Problem } from "../errors/index.js";
import { workspaceSchema, type WorkspaceConfig } from "./schema/index.js";
import { toPlain, type ConfigNode } from "./source/config-node.js";
import { displayPath } from "./source/display-path.js";
import { interpolateEnv, type Env } from "./source/interpolate.js";
import { parseYamlSource } from "./source/yaml-source.js";
import { problemsFromIssues } from "./source/zod-problems.js";

export const workspaceFileName = "tunectl.yaml";

export interface Workspace {
  /** The directory holding tunectl.yaml, or the cwd when there is none. */
  root: string;
  /** Absolute path of tunectl.yaml, when there is one. */
  file?: string;
  /** Local paths (storage dir, known_hosts, ssh_config, identity_file) are absolute. */
  config: WorkspaceConfig;
  /** `<root>/.tunectl`: the run registry and local state. Not created here. */
  stateDir: string;
  /** `defaults:` with their positions in tunectl.yaml, merged under every experiment. */
  defaultsNode?: ConfigNode;
}

/** The nearest directory from `startDir` upwards that holds tunectl.yaml (like git). */
export function findWorkspace(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, workspaceFileName);
    if (existsSync(candidate) && statSync(candidate).isFile()) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface WorkspaceOptions {
  /** --workspace DIR: use this directory instead of searching upwards. */
  dir?: string;
  cwd: string;
  /** For ${env:NAME} in tunectl.yaml (default: none set). */
  env?: Env;
}

/** Read the workspace (or the embedded defaults); reads only, never creates anything. */
export async function loadWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  let root: string;
  if (options.dir !== undefined) {
    root = path.resolve(options.cwd, options.dir);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      const isFile = existsSync(root);
      const named = isFile && path.basename(root) === workspaceFileName;
      throw new UserError(
        isFile
          ? `workspace ${options.dir} is a file, not a directory`
          : `workspace directory ${options.dir} does not exist`,
        {
          code: "workspace.not_found",
          hint: named
            ? `--workspace takes the directory that holds tunectl.yaml: --workspace ${path.dirname(options.dir) || "."}`
            : "--workspace takes the directory that holds tunectl.yaml",
        },
      );
    }
  } else {
    root = findWorkspace(options.cwd) ?? path.resolve(options.cwd);
  }
  const file = path.join(root, workspaceFileName);
  if (!existsSync(file)) {
    return finish(root, undefined, workspaceSchema.parse({}), undefined);
  }
  const shown = displayPath(file, options.cwd);
  const parsed = parseYamlSource(await readFile(file, "utf8"), { file: shown, dir: root });
  const problems: Problem[] = [...parsed.problems];
  let node = parsed.node;
  if (node && node.kind === "scalar" && node.value === null) node = undefined;
  if (node && problems.length === 0) {
    const interpolated = interpolateEnv(node, options.env ?? {}, workspaceSchema);
    problems.push(...interpolated.problems);
    node = interpolated.node;
  }
  const result =
    problems.length === 0 ? workspaceSchema.safeParse(node ? toPlain(node) : {}) : undefined;
  if (result && !result.success && node) {
    problems.push(...problemsFromIssues(result.error.issues, node, workspaceSchema));
  }
  if (!result?.success) {
    const stripped = problems.map(({ position, ...rest }) => ({
      ...rest,
      ...(position
        ? { position: { file: position.file, line: position.line, col: position.col } }
        : {}),
    }));
    throw new UserError(
      `${shown} is not a valid workspace file (${problems.length} problem${problems.length === 1 ? "" : "s"})`,
      {
        code: "config.invalid",
        problems: stripped,
      },
    );
  }
  const defaults = node?.kind === "map" ? node.entries.get("defaults")?.node : undefined;
  return finish(root, file, result.data, defaults?.kind === "map" ? defaults : undefined);
}

function finish(
  root: string,
  file: string | undefined,
  config: WorkspaceConfig,
  defaultsNode: ConfigNode | undefined,
): Workspace {
  const local = (value: string | undefined) =>
    value === undefined || value.startsWith("~") ? value : path.resolve(root, value);
  const storage =
    typeof config.storage === "string" && !config.storage.startsWith("s3://")
      ? path.resolve(root, config.storage)
      : config.storage;
  const resolved: WorkspaceConfig = {
    ...config,
    storage,
    known_hosts: local(config.known_hosts),
    ssh_config: local(config.ssh_config),
    // A Slurm host's runs, datasets and trainer live in its shared directory.
    hosts: config.hosts.map((host) => ({
      ...host,
      identity_file: local(host.identity_file),
      ...(host.kind === "slurm" && host.shared_dir ? { workdir: host.shared_dir } : {}),
    })),
  };
  for (const key of ["known_hosts", "ssh_config"] as const) {
    if (resolved[key] === undefined) delete resolved[key];
  }
  resolved.hosts.forEach((host) => {
    if (host.identity_file === undefined) delete host.identity_file;
  });
  return { root, file, config: resolved, stateDir: path.join(root, ".tunectl"), defaultsNode };
}
