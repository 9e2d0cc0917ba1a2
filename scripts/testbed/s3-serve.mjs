// The testbed's S3 server process: s3rver on the bridge address, data kept on disk across restarts.
// Started detached by s3-server.mjs; argv: address port directory bucket.
import S3rver from "s3rver";

const [address, port, directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  address,
  port: Number(port),
  directory,
  silent: false,
  resetOnClose: false,
  configureBuckets: [{ name: bucket }],
});
await server.run();
console.log(`s3rver listening on http://${address}:${port}, data in ${directory}`);
const stop = () => server.close().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
