import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { SFTPWrapper } from "ssh2";
import type { DirEntry, FileStat, TransferOptions } from "./remote-host.js";

/** File operations over one SFTP session, as promises; errors are the session's own. */
const sftpNoSuchFile = 2;

function typeOfMode(mode: number): FileStat["type"] {
  switch (mode & 0o170000) {
    case 0o040000:
      return "directory";
    case 0o100000:
      return "file";
    case 0o120000:
      return "symlink";
    default:
      return "other";
  }
}

export function sftpWriteFile(
  sftp: SFTPWrapper,
  path: string,
  content: string | Buffer,
  mode?: number,
) {
  return new Promise<void>((resolve, reject) =>
    sftp.writeFile(path, content, mode === undefined ? {} : { mode }, (error) => {
      if (error) return reject(error);
      if (mode === undefined) return resolve();
      // the server applies its umask at creation; set the mode asked for explicitly
      sftp.chmod(path, mode, (chmodError) => (chmodError ? reject(chmodError) : resolve()));
    }),
  );
}

export function sftpReadRange(sftp: SFTPWrapper, path: string, start: number, length?: number) {
  if (length === 0) return Promise.resolve(Buffer.alloc(0));
  // createReadStream's `end` is inclusive
  const end = length === undefined ? {} : { end: start + length - 1 };
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = sftp.createReadStream(path, { start, ...end });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

export function sftpLstat(sftp: SFTPWrapper, path: string) {
  return new Promise<FileStat | null>((resolve, reject) =>
    sftp.lstat(path, (error, stats) => {
      if (error) {
        return (error as Error & { code?: number }).code === sftpNoSuchFile
          ? resolve(null)
          : reject(error);
      }
      resolve({
        size: stats.size,
        mtimeMs: stats.mtime * 1000,
        mode: stats.mode & 0o7777,
        type: typeOfMode(stats.mode),
      });
    }),
  );
}

export function sftpReaddir(sftp: SFTPWrapper, path: string) {
  return new Promise<DirEntry[]>((resolve, reject) =>
    sftp.readdir(path, (error, list) => {
      if (error) return reject(error);
      const entries = list.map((entry) => ({
        name: entry.filename,
        type: typeOfMode(entry.attrs.mode),
        size: entry.attrs.size,
      }));
      resolve(entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    }),
  );
}

export function sftpPut(
  sftp: SFTPWrapper,
  localPath: string,
  remotePath: string,
  options: TransferOptions,
) {
  return new Promise<void>((resolve, reject) =>
    sftp.fastPut(
      localPath,
      remotePath,
      { step: (done, _chunk, total) => options.onProgress?.(done, total) },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
}

// Downloads ask for OpenSSH's largest read (256 KiB less its 1 KiB of overhead, as its
// sftp-server advertises) with 16 reads in flight: ssh2's default of 32 KiB reads costs a
// third more CPU per byte on this side, which is what bounds a pull. Servers with a smaller
// limit get the read split by ssh2 itself.
const getReadSize = 255 * 1024;
const getReadsInFlight = 16;

export async function sftpGet(
  sftp: SFTPWrapper,
  remotePath: string,
  localPath: string,
  options: TransferOptions & { offset?: number },
) {
  const offset = options.offset ?? 0;
  if (offset === 0) {
    return new Promise<void>((resolve, reject) =>
      sftp.fastGet(
        remotePath,
        localPath,
        {
          chunkSize: getReadSize,
          concurrency: getReadsInFlight,
          step: (done, _chunk, total) => options.onProgress?.(done, total),
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  // Resume: append from the local length, so a partial pull never restarts from zero.
  const total = (await sftpLstat(sftp, remotePath))?.size ?? 0;
  let done = offset;
  const source = sftp.createReadStream(remotePath, { start: offset });
  source.on("data", (chunk: Buffer) => {
    done += chunk.length;
    options.onProgress?.(done, total);
  });
  await pipeline(source, createWriteStream(localPath, { flags: "r+", start: offset }));
}
