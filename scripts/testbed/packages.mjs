// Debian packages the testbed needs, installed only when missing.
import { run, sleep } from "./proc.mjs";

export const requiredPackages = [
  "openssh-server",
  "docker.io",
  "iproute2",
  "debootstrap",
  "python3-venv",
  "curl",
];

async function missing() {
  const { stdout } = await run(
    "dpkg-query",
    ["-W", "-f=${Package} ${db:Status-Status}\n", ...requiredPackages],
    {
      allowFail: true,
    },
  );
  const installed = new Set(
    stdout
      .split("\n")
      .filter((l) => l.endsWith(" installed"))
      .map((l) => l.split(" ")[0]),
  );
  return requiredPackages.filter((p) => !installed.has(p));
}

async function waitForOtherApt(log) {
  for (let i = 0; i < 600; i++) {
    const { code } = await run("pgrep", ["-x", "apt-get|dpkg"], { allowFail: true });
    if (code !== 0) return;
    if (i === 0) log("waiting for another apt-get/dpkg to finish");
    await sleep(1_000);
  }
  throw new Error("another apt-get/dpkg kept running for 10 minutes");
}

export async function ensurePackages(log) {
  let absent = await missing();
  if (absent.length === 0) return [];
  await waitForOtherApt(log);
  absent = await missing();
  if (absent.length === 0) return [];
  log(`installing Debian packages: ${absent.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update"], { env, timeoutMs: 300_000 });
  await run("apt-get", ["install", "-y", "--no-install-recommends", ...absent], {
    env,
    timeoutMs: 900_000,
  });
  return absent;
}
