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

/** The decompressed byte stream of a dataset file. */
export async function openBytes(path: string, open: OpenInput): Promise<Readable> {
  const raw = await open(path);
  if (!isGzip(path)) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}
