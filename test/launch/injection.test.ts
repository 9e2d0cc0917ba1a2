// The injection canary: values a user controls (env values, the description, a data file's
// name, --set values) full of $(...), backticks, quotes and ';' travel to the host and into the
// trainer with docker (h1) and with the process runtime (h3, where the env file is sourced by
// sh). Nothing may run: no canary file anywhere, and both runs still succeed. Names, which
// become paths and container names, are restricted by the schema and refused with exit 2.
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { repoRoot } from "../setup/testbed.js";
import { walkTree } from "../setup/walk-tree.js";
import {
  launchWorkspace,
  shortRun,
  type CliResult,
  type LaunchWorkspace,
  type RunJson,
} from "./launch-workspace.js";

const canary = `tunectl-canary-${randomBytes(4).toString("hex")}`;
const tmpCanary = `/tmp/${canary}`;
/** Every way a value could reach a shell, each trying to create the canary (absolute and relative). */
const hostile = [
  `$(touch ${tmpCanary})$(touch ${canary})`,
  `\`touch ${tmpCanary}\`\`touch ${canary}\``,
  `'; touch ${tmpCanary}; touch ${canary}; '`,
  `"; touch ${tmpCanary}; touch ${canary}; "`,
  `x; touch ${tmpCanary} && touch ${canary} #`,
  `\${IFS}$(touch\${IFS}${tmpCanary})`,
];

let ws: LaunchWorkspace;
let experiment: string;
let runs: { host: string; result: CliResult; run?: RunJson }[];

async function canaryPlaces(): Promise<string[]> {
  const dirs = [
    "/tmp",
    "/root",
    "/",
    ws.dir,
    path.dirname(experiment),
    repoRoot,
    ...ws.testbed.hosts.map((h) => h.workdir),
  ];
  const found: string[] = [];
  for (const dir of dirs) {
    if (await stat(path.join(dir, canary)).catch(() => undefined)) found.push(dir);
  }
  // anywhere below the hosts' workdirs and the workspace (run output, datasets, trainer cwd)
  for (const dir of [ws.dir, ...ws.testbed.hosts.map((h) => h.workdir)]) {
    const entries = await walkTree(dir);
    found.push(
      ...entries.filter((entry) => entry.entry.name === canary).map((entry) => entry.path),
    );
  }
  return found;
}

beforeAll(async () => {
  ws = await launchWorkspace((yaml) => {
    const h3 = yaml.hosts.find((host) => host.name === "h3")!;
    h3.runtime = "process";
    h3.python = "auto";
  });
  const dir = path.join(ws.dir, "experiment");
  await mkdir(dir);
  const dataName = `data$(touch ${canary})\`touch ${canary}\`;'"x.jsonl`;
  await copyFile(
    path.join(repoRoot, "configs/data/tiny-instructions.jsonl"),
    path.join(dir, dataName),
  );
  experiment = path.join(dir, "hostile.yaml");
  await writeFile(
    experiment,
    stringify({
      name: "hostile",
      description: hostile.join(" | "),
      extends: path.join(repoRoot, "configs/tiny-cpu.yaml"),
      data: { train: [{ path: dataName, format: "alpaca" }] },
      env: Object.fromEntries(hostile.map((value, i) => [`HOSTILE_${i}`, value])),
    }),
  );
  const sets = hostile.flatMap((value, i) => ["--set", `env.SET_${i}=${value}`]);
  runs = await Promise.all(
    ["h1", "h3"].map(async (host) => ({
      host,
      result: await ws.tunectl([
        "run",
        experiment,
        "--host",
        host,
        ...shortRun,
        ...sets,
        "--set",
        `description=${hostile[0]}`,
      ]),
    })),
  );
  for (const entry of runs) {
    entry.run = (await ws.runs()).find((run) => run.attempts[0]?.host === entry.host);
  }
}, 300_000);

describe("hostile values travel as data", () => {
  it("both runs (docker on h1, process on h3) succeed", () => {
    for (const { host, result, run } of runs) {
      expect(result.code, `${host}: ${result.stderr}`).toBe(0);
      expect(run?.state).toBe("succeeded");
      expect(run?.attempts[0]?.runtime).toBe(host === "h1" ? "docker" : "process");
    }
  });

  it("nothing ran: no canary file on the hosts or locally", async () => {
    expect(await canaryPlaces()).toEqual([]);
  });

  it("the description is kept verbatim", () => {
    for (const { run } of runs) expect(run?.description).toBe(hostile[0]);
  });
});

describe("names are restricted by the schema", () => {
  it("a hostile --name is refused with exit 2 naming the field", async () => {
    const result = await ws.tunectl(["run", experiment, "--name", hostile[0]!, "--host", "h1"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("name:");
    expect(result.stderr).toContain("must start with a letter or digit");
    expect(await canaryPlaces()).toEqual([]);
  });

  it("a hostile env name is refused with exit 2 naming the field", async () => {
    const result = await ws.tunectl([
      "run",
      experiment,
      "--host",
      "h1",
      "--set",
      `env.X$(touch ${canary})=1`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/env/);
    expect(await canaryPlaces()).toEqual([]);
  });

  it("a newline in an env value is refused with exit 2 before anything is created", async () => {
    const before = (await ws.runs()).length;
    const result = await ws.tunectl([
      "run",
      experiment,
      "--host",
      "h1",
      "--set",
      `env.NL=a\ntouch ${tmpCanary}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("env.NL");
    expect((await ws.runs()).length).toBe(before);
    expect(await canaryPlaces()).toEqual([]);
  });
});
