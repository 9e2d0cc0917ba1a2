import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCliIn } from "../testing/built-cli.js";
import { parseGenerationLines } from "../../contract/index.js";
import { RunRegistry } from "../../runs/index.js";

// `tunectl show` on a run whose generations.jsonl the trainer wrote (configs/tiny-cpu.yaml's
// prompts, 60 steps): the built CLI, as a person runs it.
const recorded = path.resolve("src/compare/testdata/tiny-cpu-generations.jsonl");
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-show-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tunectl = builtCliIn(dir);

let id: string;
let bare: string;
beforeAll(async () => {
  const registry = new RunRegistry(path.join(dir, ".tunectl"));
  const create = (name: string) =>
    registry.create({
      name,
      configYaml: `name: ${name}\n`,
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    });
  ({ id } = await create("gens"));
  ({ id: bare } = await create("bare"));
  copyFileSync(recorded, registry.paths(id).generations);
});

describe("tunectl show: generations", () => {
  it("prints each prompt's latest answer and the base model's", () => {
    const result = tunectl("show", id);
    expect(result.status, result.stderr).toBe(0);
    const block = result.stdout.slice(result.stdout.indexOf("generations ("));
    expect(block.split("\n")[0]).toBe("generations (latest greedy answer of 2 prompts)");
    const { lines } = parseGenerationLines(readFileSync(recorded, "utf8"));
    for (const promptId of ["upper", "reverse"]) {
      const own = lines.filter((l) => l.prompt_id === promptId);
      expect(block).toMatch(new RegExp(`^  ${promptId}  ….*### Response:$`, "m"));
      expect(block).toContain(`    step 0 (base)  ${JSON.stringify(own[0]!.output)}`);
      expect(block).toContain(`    step 60  ${JSON.stringify(own[3]!.output)}`);
    }
  });

  it("--json carries them", () => {
    const result = tunectl("show", id, "--json");
    expect(result.status, result.stderr).toBe(0);
    const shown = JSON.parse(result.stdout) as {
      generations: Array<{ prompt_id: string; base: { step: number }; latest: { step: number } }>;
    };
    expect(shown.generations.map((g) => [g.prompt_id, g.base.step, g.latest.step])).toEqual([
      ["upper", 0, 60],
      ["reverse", 0, 60],
    ]);
  });

  it("prints no block for a run without generations", () => {
    const result = tunectl("show", bare);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("generations (");
  });
});
