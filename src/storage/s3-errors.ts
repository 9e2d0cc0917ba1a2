import { InfraError, remoteError, type TunectlError } from "../errors/index.js";

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "TimeoutError",
]);

/**
 * An S3 SDK failure as the error a person acts on, the bucket always named. A bucket that
 * does not exist is an infrastructure error (exit 3) like a refusal: the config is well
 * formed, the store does not have what it names.
 */
export function s3Error(
  action: string,
  bucket: string,
  endpoint: string | undefined,
  error: unknown,
): TunectlError {
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? e.code ?? "Error";
  const where = `bucket "${bucket}"${endpoint ? ` at ${endpoint}` : ""}`;
  const context = `${action} in ${where}`;
  if (name === "NoSuchBucket") {
    return new InfraError(`${context}: the bucket does not exist`, {
      code: "storage.no_such_bucket",
      hint: "create the bucket, or fix `storage.uri` in tunectl.yaml",
      cause: error,
    });
  }
  if (name === "NoSuchKey" || name === "NotFound") {
    return new InfraError(`${context}: no such object`, {
      code: "storage.not_found",
      cause: error,
    });
  }
  if (
    name === "CredentialsProviderError" ||
    name === "TokenProviderError" ||
    /Could not load credentials/i.test(e.message ?? "")
  ) {
    return new InfraError(`${context}: no AWS credentials found (${e.message ?? name})`, {
      code: "storage.no_credentials",
      hint:
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in " +
        "~/.aws/credentials or ~/.aws/config (AWS_CONFIG_FILE); for an SSO profile run " +
        "`aws sso login --profile NAME` first",
      cause: error,
    });
  }
  const code = (error as { code?: string })?.code ?? name;
  if (unreachableCodes.has(code) || unreachableCodes.has(name)) {
    return new InfraError(`${context}: the object store is unreachable (${code})`, {
      code: "storage.unreachable",
      hint: "check storage.endpoint and the network; tunectl retries transient failures on its own",
      cause: error,
    });
  }
  if (e.$metadata?.httpStatusCode === 403 && name !== "AccessDenied") {
    return remoteError(context, `AccessDenied (${name}: ${e.message ?? "HTTP 403"})`, error);
  }
  return remoteError(context, `${name}: ${e.message ?? "failed"}`, error);
}

/** Worth retrying the whole transfer: the connection failed or the server had a bad moment. */
export function isTransient(error: unknown): boolean {
  const e = (error ?? {}) as SdkError;
  const code = (error as { code?: string })?.code ?? e.name ?? "";
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    unreachableCodes.has(code) ||
    unreachableCodes.has(e.name ?? "") ||
    status >= 500 ||
    status === 429
  );
}
