import { describe, expect, it } from "vitest";
import { UserError } from "../errors/index.js";
import { FakeHostPool, fakeHostConfig, type RemoteHost } from "../hosts/index.js";
import { candidateHosts } from "./placement.js";

const pool = new FakeHostPool(
  [
    fakeHostConfig("gpu-a"),
    fakeHostConfig("cluster", { kind: "slurm", runtime: "process" }),
    fakeHostConfig("gpu-b"),
  ].map((config) => ({ host: { name: config.name } as RemoteHost, config })),
);

describe("candidate hosts", () => {
  it("are every host, or the preferred ones, for one node", () => {
    expect(candidateHosts(pool, undefined)).toEqual(["gpu-a", "cluster", "gpu-b"]);
    expect(candidateHosts(pool, ["gpu-b", "gpu-a"])).toEqual(["gpu-b", "gpu-a"]);
  });

  it("are the Slurm hosts among them for several nodes", () => {
    expect(candidateHosts(pool, undefined, undefined, 2)).toEqual(["cluster"]);
    expect(candidateHosts(pool, undefined, "cluster", 2)).toEqual(["cluster"]);
  });

  it("refuse several nodes on hosts that run one, at resources.nodes, before anything runs", () => {
    const refused = (() => {
      try {
        candidateHosts(pool, ["gpu-a", "gpu-b"], undefined, 2);
      } catch (error) {
        return error;
      }
      return undefined;
    })() as UserError;
    expect(refused).toBeInstanceOf(UserError);
    expect(refused.code).toBe("placement.multi_node_needs_slurm");
    expect(refused.message).toBe(
      "resources.nodes: 2 needs a Slurm host, and none of gpu-a, gpu-b is",
    );
    expect(refused.hint).toContain("kind: slurm");
    expect(() => candidateHosts(pool, undefined, "gpu-a", 3)).toThrow(
      "resources.nodes: 3 needs a Slurm host, and gpu-a is not one",
    );
  });
});
