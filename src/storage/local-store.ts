import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { randomBytes } from "node:crypto";
import { UserError } from "../errors/index.js";
import { ensureStoreRoot, storagePathError } from "./local-store-root.js";
import { objectKey, objectPrefix } from "./object-key.js";
import type { ObjectInfo, ObjectStore, PutOptions } from "./object-store.js";

const tempSuffix = ".tunectl-tmp-";

/** A directory as an object store; every write lands atomically (temp file + rename). */
export class LocalObjectStore implements ObjectStore {
  readonly uri: string;
  private rootReady: Promise<void> | undefined;

  constructor(private readonly root: string) {
    this.uri = pathToFileURL(root).href;
  }

  localPath(key: string): string {
    return join(this.root, objectKey(key));
  }

  async put(key: string, body: Buffer | string | Readable, opts: PutOptions = {}): Promise<void> {
    await this.atomically(key, async (temp) => {
      if (body instanceof Readable) await pipeline(body, createWriteStream(temp));
      else await writeFile(temp, body);
    });
    const size = (await stat(this.localPath(key))).size;
    opts.onProgress?.({ loaded: size, total: size });
  }

  async putFile(key: string, file: string, opts: PutOptions = {}): Promise<void> {
    await this.atomically(key, (temp) => copyFile(file, temp));
    const size = (await stat(file)).size;
    opts.onProgress?.({ loaded: size, total: size });
  }

  async get(key: string): Promise<Readable> {
    const path = this.localPath(key);
    await this.mustExist(key, path);
    return createReadStream(path);
  }

  async getBuffer(key: string): Promise<Buffer> {
    const path = this.localPath(key);
    await this.mustExist(key, path);
    return readFile(path);
  }

  async getFile(key: string, file: string): Promise<void> {
    const path = this.localPath(key);
    await this.mustExist(key, path);
    const temp = `${file}${tempSuffix}${randomBytes(4).toString("hex")}`;
    await mkdir(dirname(file), { recursive: true });
    await copyFile(path, temp);
    await rename(temp, file);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.localPath(key));
      return info.isFile() ? { size: info.size } : undefined;
    } catch {
      return undefined;
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    objectPrefix(prefix);
    const walk = async function* (
      dir: string,
      root: string,
    ): AsyncGenerator<{ key: string; size: number }> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) yield* walk(path, root);
        else if (entry.isFile() && !entry.name.includes(tempSuffix)) {
          const key = relative(root, path).split(sep).join("/");
          if (key.startsWith(prefix)) yield { key, size: (await stat(path)).size };
        }
      }
    };
    // start from the deepest directory the prefix names, not the whole store
    const dirPart = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    yield* walk(join(this.root, dirPart), this.root);
  }

  async delete(key: string): Promise<void> {
    await rm(this.localPath(key), { force: true });
  }

  async presignGet(): Promise<undefined> {
    return undefined;
  }

  close(): void {}

  private async atomically(key: string, write: (temp: string) => Promise<void>): Promise<void> {
    const target = this.localPath(key);
    const temp = `${target}${tempSuffix}${randomBytes(4).toString("hex")}`;
    // checked once per store, then only what is under the root is created recursively
    this.rootReady ??= ensureStoreRoot(this.root);
    this.rootReady.catch(() => (this.rootReady = undefined));
    await this.rootReady;
    try {
      await mkdir(dirname(target), { recursive: true });
      await write(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw storagePathError(this.root, `cannot write ${key}`, error);
    }
  }

  private async mustExist(key: string, path: string): Promise<void> {
    if (!(await this.head(key))) {
      throw new UserError(`no object ${key} in ${this.uri}`, {
        code: "storage.not_found",
        data: { path },
      });
    }
  }
}
