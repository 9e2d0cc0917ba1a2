// A ProxyCommand for tests: connects to HOST PORT and carries the bytes over stdin/stdout,
// like `nc HOST PORT`. Records its pid and arguments in $PROXY_LOG (one JSON line per start).
import { appendFileSync } from "node:fs";
import net from "node:net";

const [host, port, log] = process.argv.slice(2);
if (log) appendFileSync(log, `${JSON.stringify({ pid: process.pid, host, port })}\n`);
const socket = net.connect(Number(port), host);
socket.on("error", (error) => {
  process.stderr.write(`tcp-stdio: ${host}:${port}: ${error.message}\n`);
  process.exit(1);
});
socket.on("connect", () => {
  process.stdin.pipe(socket);
  socket.pipe(process.stdout);
});
socket.on("close", () => process.exit(0));
