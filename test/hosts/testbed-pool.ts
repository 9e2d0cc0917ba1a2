// Host pools over the testbed's workspace, optionally with a replaced known_hosts file.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadWorkspace, type Workspace } from "../../src/config/index.js";
import { createHostPool, type HostPool, type HostPoolOptions } from "../../src/hosts/index.js";
import { RecordingReporter } from "../../src/report/index.js";
import { loadTestbed, type Testbed } from "../setup/testbed.js";

export interface TestPool {
  tb: Testbed;
  pool: HostPool;
  reporter: RecordingReporter;
  workspace: Workspace;
  /** The known_hosts file this pool reads and writes. */
  knownHosts: string;
  dispose(): Promise<void>;
}

/**
 * A pool on the testbed. With `knownHosts` given, the workspace is copied to a temp dir with
 * that known_hosts text, so tests never touch the shared workspace files.
 */
export async function testPool(
  options: { knownHosts?: string } & Partial<Omit<HostPoolOptions, "workspace">> = {},
): Promise<TestPool> {
  const tb = loadTestbed();
  const workspace = await loadWorkspace({ dir: tb.workspaceDir, cwd: process.cwd() });
  let tempDir: string | undefined;
  let knownHosts = tb.knownHosts;
  if (options.knownHosts !== undefined) {
    tempDir = await mkdtemp(path.join(tmpdir(), "tunectl-hosts-ws-"));
    knownHosts = path.join(tempDir, "known_hosts");
    await writeFile(knownHosts, options.knownHosts);
    await copyFile(tb.sshConfig, path.join(tempDir, "ssh_config"));
    workspace.config = {
      ...workspace.config,
      known_hosts: knownHosts,
      ssh_config: path.join(tempDir, "ssh_config"),
    };
  }
  const reporter = new RecordingReporter();
  // An empty home: ~/.ssh of the machine running the tests must not change the outcome.
  const home = tempDir ?? (await mkdtemp(path.join(tmpdir(), "tunectl-hosts-home-")));
  const { knownHosts: _ignored, ...poolOptions } = options;
  const pool = await createHostPool({ workspace, reporter, home, agent: "", ...poolOptions });
  return {
    tb,
    pool,
    reporter,
    workspace,
    knownHosts,
    async dispose() {
      await pool.closeAll();
      await rm(home, { recursive: true, force: true });
    },
  };
}
