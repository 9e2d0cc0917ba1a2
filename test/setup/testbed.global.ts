// Vitest global setup of the integration project: the testbed up once, down after (unless kept).
import { testbedCli } from "./testbed.js";

// A fresh machine debootstraps a base image, downloads the trainer lock and builds the image
// first (minutes when pip retries an unreachable index for every package).
const UP_TIMEOUT_MS = 25 * 60_000;

export default async function setup(): Promise<() => Promise<void>> {
  const hosts = process.env.TUNECTL_TESTBED_HOSTS ?? "3";
  await testbedCli(["up", "--hosts", hosts], UP_TIMEOUT_MS, true);
  return async () => {
    if (process.env.TUNECTL_TESTBED_KEEP === "1") return;
    await testbedCli(["down"]);
  };
}
