import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { UserError } from "../../errors/index.js";
import { isGzip } from "./file-type.js";

/** Opens the bytes of a dataset path; local files by default, `s3://` through an ObjectStore. */
export type OpenInput = (path: string) => Promise<Readable>;

export const openLocalFile: OpenInput = async (path) => {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a regular file");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new UserError(`cannot read dataset ${path}: ${why}`, {
      code: "data.unreadable",
      cause: error,
      hint: "paths in an experiment are relative to the experiment file",
    });
  }
  return createReadStream(path, { highWaterMark: 1 << 20 });
};

/**
 * A zlib failure while reading a `.gz` dataset as the user error it is (a truncated download,
 * or a file named .gz that is not gzip); anything else is returned unchanged.
 */
export function gzipProblem(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code ?? "";
  if (!isGzip(path) || !code.startsWith("Z_")) return error;
  const truncated = code === "Z_BUF_ERROR";
  return new UserError(
    `${path}: ${truncated ? "the gzip data ends early: the file is truncated" : "not valid gzip data"} (${(error as Error).message})`,
    {
      code: "data.bad_gzip",
      hint: truncated
        ? "download or copy the file again; `gzip -t FILE` checks it"
        : "decompress it by hand to check it (`gzip -t FILE`), or drop the .gz from its name if it is not compressed",
      cause: error,
    },
  );
}

/** The decompressed byte stream of a dataset file. */
export async function openBytes(path: string, open: OpenInput): Promise<Readable> {
  const raw = await open(path);
  if (!isGzip(path)) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}
