// The testbed network: one bridge in the root namespace, one netns + veth pair per host.
import { bridge, subnet } from "./layout.mjs";
import { run, sleep } from "./proc.mjs";

const ip = (args, opts) => run("ip", args, { timeoutMs: 15_000, ...opts });

async function linkJson(name, netns) {
  const args = netns
    ? ["-n", netns, "-j", "addr", "show", "dev", name]
    : ["-j", "addr", "show", "dev", name];
  const { code, stdout } = await ip(args, { allowFail: true });
  if (code !== 0) return undefined;
  return JSON.parse(stdout)[0];
}

const hasAddress = (link, address) =>
  link?.addr_info?.some((a) => a.family === "inet" && a.local === address);
const isUp = (link) => link?.flags?.includes("UP");

export async function listNamespaces() {
  const { stdout } = await ip(["-j", "netns", "list"], { allowFail: true });
  const list = stdout.trim() ? JSON.parse(stdout) : [];
  return list.map((n) => n.name);
}

export const isTestbedNamespace = (name) => /^tb-h\d+$/.test(name);

export async function ensureBridge() {
  let link = await linkJson(bridge.name);
  if (!link) await ip(["link", "add", bridge.name, "type", "bridge"]);
  link = await linkJson(bridge.name);
  if (!hasAddress(link, bridge.address)) {
    await ip(["addr", "add", `${bridge.address}/${subnet.bits}`, "dev", bridge.name]);
  }
  if (!isUp(link)) await ip(["link", "set", bridge.name, "up"]);
}

export async function removeBridge() {
  if (await linkJson(bridge.name)) await ip(["link", "del", bridge.name]);
}

/** True when the host's namespace, veth pair, address and route are all in place. */
export async function hostNetHealthy(h) {
  if (!(await listNamespaces()).includes(h.netns)) return false;
  const rootEnd = await linkJson(h.vethRoot);
  if (!rootEnd || rootEnd.master !== bridge.name) return false;
  const hostEnd = await linkJson(h.vethHost, h.netns);
  if (!hasAddress(hostEnd, h.address) || !isUp(hostEnd)) return false;
  const { stdout } = await ip(["-n", h.netns, "route", "show", "default"], { allowFail: true });
  return stdout.includes(bridge.address);
}

/** Pids of every process inside the host's namespace (all of them were started by the testbed). */
export async function namespacePids(netns) {
  const { stdout } = await ip(["netns", "pids", netns], { allowFail: true });
  return stdout.split("\n").filter(Boolean).map(Number);
}

export async function removeHostNet(h) {
  if ((await listNamespaces()).includes(h.netns)) {
    for (const pid of await namespacePids(h.netns)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await ip(["netns", "del", h.netns]);
  }
  // Deleting the namespace destroys the pair asynchronously: the root end can still be listed
  // and then be gone by the time it is deleted, so only a root end still there is an error.
  if (await linkJson(h.vethRoot)) {
    const del = await ip(["link", "del", h.vethRoot], { allowFail: true });
    if (del.code !== 0 && (await linkJson(h.vethRoot))) {
      throw new Error(`ip link del ${h.vethRoot}: ${del.stderr.trim()}`);
    }
  }
}

export async function createHostNet(h) {
  await removeHostNet(h);
  await ip(["netns", "add", h.netns]);
  await ip([
    "link",
    "add",
    h.vethRoot,
    "type",
    "veth",
    "peer",
    "name",
    h.vethHost,
    "netns",
    h.netns,
  ]);
  await ip(["link", "set", h.vethRoot, "master", bridge.name]);
  await ip(["link", "set", h.vethRoot, "up"]);
  await ip(["-n", h.netns, "link", "set", "lo", "up"]);
  await ip(["-n", h.netns, "addr", "add", `${h.address}/${subnet.bits}`, "dev", h.vethHost]);
  await ip(["-n", h.netns, "link", "set", h.vethHost, "up"]);
  await ip(["-n", h.netns, "route", "replace", "default", "via", bridge.address]);
}

/** Cut: the bridge side of the host's link goes down, so nothing reaches the host. */
export async function cutHost(h) {
  await ip(["link", "set", h.vethRoot, "down"]);
}

export async function restoreHost(h) {
  await ip(["link", "set", h.vethRoot, "up"]);
  await ip(["-n", h.netns, "link", "set", h.vethHost, "up"]);
  await ip(["-n", h.netns, "route", "replace", "default", "via", bridge.address]);
  // The bridge port passes traffic once it leaves the listening state.
  for (let i = 0; i < 50; i++) {
    const link = await linkJson(h.vethRoot);
    if (link?.operstate === "UP") return;
    await sleep(100);
  }
}

export async function linkState(h) {
  const link = await linkJson(h.vethRoot);
  if (!link) return "absent";
  return isUp(link) ? "up" : "cut";
}
