import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";

type S3Sdk = typeof import("@aws-sdk/client-s3");

/** What tunectl.yaml says about the bucket; every field it leaves out comes from the AWS chain. */
export interface S3Settings {
  endpoint?: string;
  region?: string;
  path_style?: boolean;
}

/** The client settings after the chain, and where each came from (for `storage.open`). */
export interface ResolvedS3Settings {
  region: string;
  regionFrom: "workspace" | "aws-chain" | "default";
  /** A custom endpoint (workspace, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or the profile). */
  endpoint?: string;
  endpointFrom?: "workspace" | "aws-chain";
  pathStyle: boolean;
}

const fallbackRegion = "us-east-1";

/**
 * Resolve the client the way the AWS SDK and CLI do: region from AWS_REGION or the profile
 * (AWS_PROFILE, AWS_CONFIG_FILE), endpoint from AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the
 * profile's endpoint_url, credentials from the default chain (env, SSO, profile, process,
 * web identity, instance role). The workspace overrides only what it sets. A custom endpoint
 * gets path-style addressing unless `path_style: false`, since S3-compatible servers rarely
 * serve virtual-host buckets. Without any region, us-east-1 (S3's own default).
 */
export async function resolveS3Settings(
  sdk: S3Sdk,
  settings: S3Settings,
): Promise<ResolvedS3Settings> {
  const probe: S3Client = new sdk.S3Client({});
  let region = settings.region;
  let regionFrom: ResolvedS3Settings["regionFrom"] = "workspace";
  if (!region) {
    region = await probe.config.region().catch(() => undefined);
    regionFrom = region ? "aws-chain" : "default";
  }
  let endpoint = settings.endpoint;
  let endpointFrom: ResolvedS3Settings["endpointFrom"] = endpoint ? "workspace" : undefined;
  if (!endpoint) {
    const configured = (probe.config as { serviceConfiguredEndpoint?: () => Promise<unknown> })
      .serviceConfiguredEndpoint;
    const found = configured ? await configured().catch(() => undefined) : undefined;
    if (typeof found === "string" && found !== "") {
      endpoint = found;
      endpointFrom = "aws-chain";
    }
  }
  probe.destroy();
  return {
    region: region ?? fallbackRegion,
    regionFrom,
    ...(endpoint ? { endpoint, endpointFrom } : {}),
    pathStyle: settings.path_style ?? endpoint !== undefined,
  };
}

export function s3ClientConfig(resolved: ResolvedS3Settings): S3ClientConfig {
  return {
    region: resolved.region,
    ...(resolved.endpoint ? { endpoint: resolved.endpoint } : {}),
    forcePathStyle: resolved.pathStyle,
    maxAttempts: 4,
    retryMode: "standard",
    // S3-compatible servers differ in checksum support; AWS itself verifies SHA-256 per part
    requestChecksumCalculation: resolved.endpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}
