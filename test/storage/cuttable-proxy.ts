// A TCP proxy in front of the testbed S3 server whose link can be cut: open connections reset,
// new ones refused, for a while. Interrupts one client's transfers without stopping the
// shared server.
import net from "node:net";

export interface CuttableProxy {
  endpoint: string;
  cut(ms: number): void;
  close(): Promise<void>;
}

export async function cuttableProxy(upstream: string): Promise<CuttableProxy> {
  const target = new URL(upstream);
  const sockets = new Set<net.Socket>();
  let refuseUntil = 0;
  const server = net.createServer((client) => {
    if (Date.now() < refuseUntil) return void client.destroy();
    const remote = net.connect({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(remote);
    const drop = () => {
      client.destroy();
      remote.destroy();
      sockets.delete(client);
      sockets.delete(remote);
    };
    client.on("error", drop).on("close", drop);
    remote.on("error", drop).on("close", drop);
    client.pipe(remote).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cut(ms) {
      refuseUntil = Date.now() + ms;
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
