// A host whose key changed (here: known_hosts holds another key for h1, as after a
// man-in-the-middle) is refused, with --accept-new-host-key too, and nothing runs there.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { loadTestbed, runCommand } from "../setup/testbed.js";
import {
  builtCli,
  privateWorkspace,
  runIds,
  tinyConfig,
  tunectl,
  writeResult,
} from "../faults/fault-kit.js";

const tb = loadTestbed();
let ws: string;

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
  const keyFile = path.join(ws, "other-host-key");
  const made = await runCommand("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyFile]);
  if (made.code !== 0) throw new Error(`ssh-keygen: ${made.stderr}`);
  const other = (await readFile(`${keyFile}.pub`, "utf8")).split(" ").slice(0, 2).join(" ");
  const knownHosts = path.join(ws, "known_hosts");
  const lines = (await readFile(knownHosts, "utf8"))
    .split("\n")
    .map((line) =>
      line.startsWith(`${tb.host("h1").address} `) ? `${tb.host("h1").address} ${other}` : line,
    );
  await writeFile(knownHosts, lines.join("\n"));
});

it("a changed host key is refused by hosts and run, even with --accept-new-host-key", async () => {
  const hosts = await tunectl(tb, ws, ["--json", "hosts"]);
  const run = await tunectl(tb, ws, [
    "--accept-new-host-key",
    "run",
    tinyConfig,
    "--host",
    "h1",
    "--set",
    "train.max_steps=2",
  ]);
  const runsOnH1 = (await tb.ssh("h1", `ls ${tb.host("h1").workdir}/runs`)).stdout;
  const ids = await runIds(ws);
  const refused =
    hosts.code === 3 &&
    run.code === 3 &&
    /host key/i.test(run.stderr) &&
    ids.every((id) => !runsOnH1.includes(id));
  await writeResult(
    "security",
    "changed host key",
    `changed host key | refused ${refused ? "yes" : "no"}`,
  );

  expect(hosts.code).toBe(3);
  const probed = JSON.parse(hosts.stdout) as {
    hosts: Array<{ name: string; ok?: boolean; error?: { code: string } }>;
  };
  const h1 = probed.hosts.find((h) => h.name === "h1");
  expect(JSON.stringify(h1)).toMatch(/host_key/);
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toMatch(/host key/i);
  for (const id of ids) expect(runsOnH1).not.toContain(id);
});
