// The real S3-protocol server (s3rver), owned by pid, reached through the real AWS SDK.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { s3 } from "./layout.mjs";
import { isOurs, readPid, spawnDetached, stopPid, waitFor } from "./proc.mjs";

const serveScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "s3-serve.mjs");

export const s3Pid = () => {
  const pid = readPid(s3.pidFile);
  return isOurs(pid, serveScript) ? pid : undefined;
};

const portOpen = () =>
  new Promise((resolve) => {
    const socket = net.connect({ host: s3.address, port: s3.port, timeout: 1_000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });

export async function startS3() {
  if (s3Pid() && (await portOpen())) return s3Pid();
  await stopS3();
  fs.mkdirSync(s3.directory, { recursive: true });
  fs.mkdirSync(path.dirname(s3.logFile), { recursive: true });
  const pid = spawnDetached(
    process.execPath,
    [serveScript, s3.address, String(s3.port), s3.directory, s3.bucket],
    {
      logFile: s3.logFile,
    },
  );
  fs.mkdirSync(path.dirname(s3.pidFile), { recursive: true });
  fs.writeFileSync(s3.pidFile, `${pid}\n`);
  await waitFor(`s3rver on ${s3.endpoint}`, portOpen, { timeoutMs: 20_000 });
  return pid;
}

export async function stopS3() {
  const pid = s3Pid();
  if (pid) await stopPid(pid, serveScript, { graceMs: 5_000 });
  fs.rmSync(s3.pidFile, { force: true });
}

export const s3Answers = portOpen;
