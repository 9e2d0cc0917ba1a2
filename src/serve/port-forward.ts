import { createServer, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";

/**
 * `ssh -L`: a listener on 127.0.0.1:`port` here, each connection carried to the server's port
 * on the host by `open` (ssh2's forwardOut on the host's session).
 */
export interface PortForward {
  readonly port: number;
  close(): Promise<void>;
}

export function forwardLocalPort(port: number, open: () => Promise<Duplex>): Promise<PortForward> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    open().then(
      (remote) => {
        socket.pipe(remote).pipe(socket);
        remote.once("error", () => socket.destroy());
        socket.once("error", () => remote.destroy());
        socket.once("close", () => remote.destroy());
      },
      () => socket.destroy(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
