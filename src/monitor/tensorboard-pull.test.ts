import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeRemoteHost, LocalHost } from "../hosts/index.js";
import { pullTensorboard } from "./tensorboard-pull.js";

let root: string;
let hostDir: string;
let runDir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "tunectl-tb-"));
  hostDir = path.join(root, "host", "runs", "r1");
  runDir = path.join(root, "local", "r1");
  await mkdir(runDir, { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

const host = () => new FakeRemoteHost("h1", new LocalHost("h1", root));
const remote = (name: string) => path.join(hostDir, "output", "tensorboard", name);
const local = (name: string) => path.join(runDir, "tensorboard", "trainer", name);

describe("pullTensorboard", () => {
  it("asks one stat and nothing else when the attempt wrote no event files", async () => {
    const h = host();
    expect(await pullTensorboard(h, hostDir, runDir)).toEqual({ copied: [], bytes: 0 });
    expect(h.commands).toEqual([]);
    expect(await readdir(runDir)).toEqual([]);
  });

  it("copies each attempt's event file home, again only when it grew", async () => {
    await mkdir(remote("sub"), { recursive: true });
    await writeFile(remote("events.out.tfevents.1.h1.10.0"), "attempt-1");
    await writeFile(remote("sub/events.out.tfevents.2.h1.11.0"), "nested");
    const h = host();
    const first = await pullTensorboard(h, hostDir, runDir);
    expect(first.copied.sort()).toEqual([
      "events.out.tfevents.1.h1.10.0",
      "sub/events.out.tfevents.2.h1.11.0",
    ]);
    expect(first.bytes).toBe(15);
    expect(await readFile(local("sub/events.out.tfevents.2.h1.11.0"), "utf8")).toBe("nested");

    expect((await pullTensorboard(h, hostDir, runDir)).copied).toEqual([]);

    await appendFile(remote("events.out.tfevents.1.h1.10.0"), "+more");
    await writeFile(remote("events.out.tfevents.3.h1.12.0"), "attempt-2");
    const again = await pullTensorboard(h, hostDir, runDir);
    expect(again.copied.sort()).toEqual([
      "events.out.tfevents.1.h1.10.0",
      "events.out.tfevents.3.h1.12.0",
    ]);
    expect(await readFile(local("events.out.tfevents.1.h1.10.0"), "utf8")).toBe("attempt-1+more");
    expect((await readdir(local(""))).filter((name) => name.endsWith(".part"))).toEqual([]);
  });

  it("leaves out symlinks and unsafe names, so nothing outside the directory is read", async () => {
    await mkdir(remote(""), { recursive: true });
    await writeFile(path.join(root, "secret"), "not an event file");
    await symlink(path.join(root, "secret"), remote("events.out.tfevents.link"));
    await writeFile(remote("bad name"), "x");
    await writeFile(remote("events.out.tfevents.4.h1.13.0"), "ok");
    const pulled = await pullTensorboard(host(), hostDir, runDir);
    expect(pulled.copied).toEqual(["events.out.tfevents.4.h1.13.0"]);
    expect(await readdir(local(""))).toEqual(["events.out.tfevents.4.h1.13.0"]);
  });
});
