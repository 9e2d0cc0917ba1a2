import { createServer } from "node:net";
import { UserError } from "../errors/index.js";

/**
 * `port` on 127.0.0.1 if it is free (refused with serve.port_in_use otherwise), or with no
 * port asked for, one the kernel picks.
 */
export function freeLocalPort(port?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE" || error.code === "EACCES"
          ? new UserError(
              `port ${port} on 127.0.0.1 is in use (or not allowed): nothing was started`,
              {
                code: "serve.port_in_use",
                hint: "pass another --port, or leave it out to take a free one",
              },
            )
          : error,
      );
    });
    probe.listen(port ?? 0, "127.0.0.1", () => {
      const address = probe.address();
      const chosen = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(chosen));
    });
  });
}
