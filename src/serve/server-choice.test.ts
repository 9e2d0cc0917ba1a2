import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  chooseServer,
  detectVllmScript,
  parseVllmPresence,
  serverArgv,
  servedModelName,
} from "./server-choice.js";

describe("chooseServer", () => {
  it("auto takes vLLM when the host has its command or module, else transformers serve", () => {
    expect(chooseServer("auto", { kind: "command", path: "/usr/bin/vllm" })).toBe("vllm");
    expect(chooseServer("auto", { kind: "module" })).toBe("vllm");
    expect(chooseServer("auto", { kind: "none" })).toBe("transformers");
  });
  it("an explicit --server wins over what the host has", () => {
    expect(chooseServer("transformers", { kind: "module" })).toBe("transformers");
    expect(chooseServer("vllm", { kind: "none" })).toBe("vllm");
  });
});

describe("parseVllmPresence", () => {
  it("reads the detection script's last line", () => {
    expect(parseVllmPresence("command /opt/v/bin/vllm\n")).toEqual({
      kind: "command",
      path: "/opt/v/bin/vllm",
    });
    expect(parseVllmPresence("module\n")).toEqual({ kind: "module" });
    expect(parseVllmPresence("none\n")).toEqual({ kind: "none" });
    expect(parseVllmPresence("")).toEqual({ kind: "none" });
  });
  it("the script itself answers none for a Python without vllm and an empty PATH", () => {
    const out = execFileSync("/bin/sh", ["-c", detectVllmScript, "sh", "python3"], {
      env: {
        PATH: `/nonexistent:${path.dirname(execFileSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).trim())}`,
      },
      encoding: "utf8",
    });
    expect(parseVllmPresence(out)).toEqual({ kind: "none" });
  });
});

describe("serverArgv", () => {
  it("transformers serve pins the model and listens on loopback", () => {
    expect(
      serverArgv({
        kind: "transformers",
        python: "/v/bin/python",
        model: "tunectl/r-step-4",
        port: 8123,
      }),
    ).toEqual([
      "/v/bin/python",
      "-m",
      "transformers.cli.transformers",
      "serve",
      "tunectl/r-step-4",
      "--host",
      "127.0.0.1",
      "--port",
      "8123",
      "--log-level",
      "info",
    ]);
  });
  it("vllm serve gets the base, the adapter under the served name, and a rank it accepts", () => {
    const argv = serverArgv({
      kind: "vllm",
      vllm: { kind: "command", path: "vllm" },
      base: "meta-llama/Llama-3.2-1B",
      adapter: { dir: "/w/serve/a", rank: 12 },
      model: "tunectl/r-step-4",
      port: 9000,
    });
    expect(argv.slice(0, 3)).toEqual(["vllm", "serve", "meta-llama/Llama-3.2-1B"]);
    expect(argv).toContain("--enable-lora");
    expect(argv[argv.indexOf("--lora-modules") + 1]).toBe("tunectl/r-step-4=/w/serve/a");
    expect(argv[argv.indexOf("--max-lora-rank") + 1]).toBe("16");
    expect(argv.slice(-4)).toEqual(["--host", "127.0.0.1", "--port", "9000"]);
  });
  it("vllm of full weights names them instead, through python -m when only importable", () => {
    const argv = serverArgv({
      kind: "vllm",
      vllm: { kind: "module", python: "/p" },
      base: "/w/merged",
      model: "tunectl/merged",
      port: 1,
    });
    expect(argv.slice(0, 5)).toEqual([
      "/p",
      "-m",
      "vllm.entrypoints.cli.main",
      "serve",
      "/w/merged",
    ]);
    expect(argv).not.toContain("--enable-lora");
    expect(argv[argv.indexOf("--served-model-name") + 1]).toBe("tunectl/merged");
  });
});

describe("servedModelName", () => {
  it("names a run's checkpoint by run and step", () => {
    expect(servedModelName({ run: "tiny-cpu-20261201-120000-ab12", step: 40 })).toBe(
      "tunectl/tiny-cpu-20261201-120000-ab12-step-40",
    );
  });
  it("names a directory by its last part, without the hub cache's -- separator or odd characters", () => {
    expect(servedModelName({ path: "/models/my merged--v2/" })).toBe("tunectl/my-merged-v2");
    expect(servedModelName({ path: "/" })).toBe("tunectl/model");
  });
});
