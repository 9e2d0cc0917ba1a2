import { UserError } from "../errors/index.js";

export interface S3Location {
  bucket: string;
  /** Without leading or trailing slash; "" for the bucket root. */
  prefix: string;
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) {
    throw new UserError(`not an s3:// URI: ${uri}`, {
      code: "storage.bad_uri",
      hint: "write s3://bucket/prefix",
    });
  }
  return { bucket: match[1] as string, prefix: (match[2] ?? "").replace(/\/+$/, "") };
}
