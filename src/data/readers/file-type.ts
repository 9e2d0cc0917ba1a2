import { UserError } from "../../errors/index.js";

export type FileType = "json" | "jsonl" | "csv" | "tsv" | "parquet";

const byExtension: Record<string, FileType> = {
  ".json": "json",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".csv": "csv",
  ".tsv": "tsv",
  ".parquet": "parquet",
};

export function isGzip(path: string): boolean {
  return path.toLowerCase().endsWith(".gz");
}

/** The file type from `type:` or the extension (ignoring a trailing .gz). */
export function fileTypeOf(path: string, declared: FileType | "auto" = "auto"): FileType {
  if (declared !== "auto") return declared;
  const bare = isGzip(path) ? path.slice(0, -3) : path;
  const dot = bare.lastIndexOf(".");
  const type = dot >= 0 ? byExtension[bare.slice(dot).toLowerCase()] : undefined;
  if (!type) {
    throw new UserError(`cannot tell the file type of ${path} from its extension`, {
      code: "data.unknown_type",
      hint: "name it .json, .jsonl, .csv, .tsv or .parquet (optionally .gz), or set `type:` on the source",
    });
  }
  return type;
}
