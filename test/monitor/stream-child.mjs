// A tunectl-like process that streams one attempt with the built code until SIGTERM (drains,
// exits 0) or SIGKILL (the crash the tests inflict). Events go to stdout as JSON lines.
// argv: workspaceDir stateDir runId attempt host hostDir
import path from "node:path";
import { fileURLToPath } from "node:url";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist");
const { loadWorkspace } = await import(`${dist}/config/index.js`);
const { createHostPool } = await import(`${dist}/hosts/index.js`);
const { RunRegistry } = await import(`${dist}/runs/index.js`);
const { RunStreamer } = await import(`${dist}/monitor/index.js`);

const [workspaceDir, stateDir, runId, attempt, hostName, hostDir] = process.argv.slice(2);
const reporter = { emit: (event) => process.stdout.write(`${JSON.stringify(event)}\n`) };
const workspace = await loadWorkspace({ dir: workspaceDir, cwd: process.cwd(), env: process.env });
const pool = await createHostPool({ workspace, reporter, keepaliveIntervalMs: 2_000 });
const streamer = new RunStreamer({
  registry: new RunRegistry(stateDir),
  runId,
  attempt: Number(attempt),
  host: await pool.get(hostName),
  hostDir,
  reporter,
});
await streamer.start();
process.stdout.write(`${JSON.stringify({ code: "child.started" })}\n`);
process.on("SIGTERM", async () => {
  await streamer.stop({ drain: true });
  await pool.closeAll();
  process.stdout.write(`${JSON.stringify({ code: "child.stopped" })}\n`);
  process.exit(0);
});
