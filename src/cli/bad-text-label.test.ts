// text-label and mixture settings, mistyped as a user mistypes them: exit 2 naming the config
// path and the file's line, nothing created. What they do when right: src/data/formats/flan-builder.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserWorkspace } from "./testing/user-workspace.js";

describe("bad text-label and mixture values: exit 2 naming the config path", () => {
  let ws: UserWorkspace;
  beforeEach(() => {
    ws = new UserWorkspace();
    ws.write("reviews.csv", "text,label\ngreat film,1\nawful,0\nfine,1\n");
  });
  afterEach(() => ws.remove());

  const experiment = (source: string, model = "builtin:tiny") =>
    `name: t\nmodel: {base: "${model}"}\ntrain: {max_steps: 1}\ndata:\n  train:\n    - path: reviews.csv\n      format: text-label\n${source}`;

  it("an unknown options style and a weight of 0, at their lines", async () => {
    ws.write(
      "a.yaml",
      experiment("      weight: 0\n      text_label:\n        options: {style: fancy}\n"),
    );
    const result = await ws.tunectl("validate", "a.yaml");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/a\.yaml:8:\d+: data\.train\.0\.weight/);
    expect(result.stderr).toMatch(/a\.yaml:10:\d+: data\.train\.0\.text_label\.options\.style/);
    expect(ws.runs()).toEqual([]);
  });

  it("shares that do not sum to 1, and few-shot without the model's tokenizer", async () => {
    ws.write(
      "b.yaml",
      experiment(
        "      text_label:\n        mix: {zero_shot: 0.5, few_shot: 0.7}\n        few_shot: {k: 2}\n",
      ),
    );
    const shares = await ws.tunectl("validate", "b.yaml");
    expect(shares.code).toBe(2);
    expect(shares.stderr).toContain("data.train.0.text_label.mix.few_shot");
    ws.write(
      "c.yaml",
      experiment("      text_label:\n        few_shot: {k: 2}\n", "./no-model-here"),
    );
    const tokens = await ws.tunectl("validate", "c.yaml");
    expect(tokens.code).toBe(2);
    expect(tokens.stderr).toContain(
      "data.train.0.text_label.few_shot: the model's tokenizer cannot be read here: ",
    );
    expect(tokens.stderr).toContain("no-model-here/tokenizer.json is not on this machine");
  });
});
