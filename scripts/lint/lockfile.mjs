// `npm ci` refuses a lockfile that lacks an entry for any optional dependency, including
// platform packages this machine never installs (rollup's per-OS builds). npm leaves such
// entries out when the registry it used does not serve them; this check fails the lint so the
// lockfile is repaired (scripts/lint/lockfile.mjs --fix adds them) before it breaks `npm ci`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;
const oses = [
  "android",
  "darwin",
  "freebsd",
  "linux",
  "openbsd",
  "win32",
  "openharmony",
  "sunos",
  "aix",
  "netbsd",
];
const cpus = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "mips64el"];

const missing = [];
for (const meta of Object.values(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    if (!packages[`node_modules/${name}`]) missing.push([name, version]);
  }
}
if (missing.length === 0) process.exit(0);
if (!process.argv.includes("--fix")) {
  process.stderr.write(
    `package-lock.json lacks ${missing.length} optional dependencies (${missing[0][0]}, ...): npm ci would fail.\n` +
      "Run: node scripts/lint/lockfile.mjs --fix\n",
  );
  process.exit(1);
}
for (const [name, version] of missing) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((part) => oses.includes(part));
  const cpu = parts.find((part) => cpus.includes(part));
  if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}`);
  packages[`node_modules/${name}`] = {
    version,
    cpu: [cpu],
    license: "MIT",
    optional: true,
    os: [os],
    ...(os === "linux" ? { libc: [name.includes("musl") ? "musl" : "glibc"] } : {}),
  };
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`added ${missing.length} entries to package-lock.json\n`);
