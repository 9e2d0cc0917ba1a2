import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [
            ...configDefaults.exclude,
            "test/concurrency/**",
            "test/local/**",
            "test/package/**",
          ],
          globalSetup: ["./test/setup/testbed.global.ts"],
          testTimeout: 300_000,
          hookTimeout: 1_500_000,
          // Each file in a fresh process, so memory from one file's transfers never adds up
          // across the suite. Files share the testbed's hosts: run them one at a time with
          // --no-file-parallelism (scripts/test.sh does).
          pool: "forks",
          poolOptions: { forks: { singleFork: false, isolate: true } },
        },
      },
      {
        // Many tunectl processes on one workspace of this machine (local store, host `local`):
        // no testbed, so no global setup; the built CLI (`npm run build` first).
        test: {
          name: "concurrency",
          include: ["test/concurrency/**/*.test.ts"],
          testTimeout: 600_000,
          pool: "forks",
        },
      },
      {
        // End-to-end on this machine with the real trainer, host `local`, a local store or a
        // real server started by the test itself (serve, eval, the dashboard in Chromium):
        // no testbed, so no global setup; the built CLI (`npm run build` first).
        test: {
          name: "local",
          include: ["test/local/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          pool: "forks",
          // one file at a time (fileParallelism is not a per-project option in vitest 3)
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        // The packed tarball installed with npm i -g: needs npm, not the testbed.
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
