import type { RemoteErrorRow } from "./remote-error-table.js";

/** How S3 and S3-compatible servers (through the AWS SDK) refuse. */
export const storageErrorRows: RemoteErrorRow[] = [
  {
    code: "storage.access_denied",
    kind: "infra",
    pattern: /\b(?<code>AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch)\b/,
    message: (g) =>
      g.code === "AccessDenied"
        ? "the object store refused access"
        : `the object store rejected the credentials (${g.code})`,
    resolution:
      "check the AWS credentials in your environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...) and the bucket's policy",
  },
  {
    code: "storage.no_such_bucket",
    kind: "user",
    pattern: /\bNoSuchBucket\b/,
    message: () => "the bucket does not exist",
    resolution: "create it, or fix `storage.uri` in tunectl.yaml",
  },
];
