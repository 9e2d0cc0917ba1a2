import type { Duplex } from "node:stream";
import type { RemoteHost } from "./remote-host.js";
import { SshHost } from "./ssh-host.js";

/**
 * A channel to 127.0.0.1:port on an SSH host over its session (ssh2 forwardOut, what `ssh -L`
 * does), for a listener here to carry connections through; undefined for `local`, which
 * needs none.
 */
export function hostPortOpener(host: RemoteHost): ((port: number) => Promise<Duplex>) | undefined {
  if (!(host instanceof SshHost)) return undefined;
  return async (port) => {
    const client = await host.client();
    return new Promise<Duplex>((resolve, reject) =>
      client.forwardOut("127.0.0.1", 0, "127.0.0.1", port, (error, stream) =>
        error ? reject(error) : resolve(stream),
      ),
    );
  };
}
