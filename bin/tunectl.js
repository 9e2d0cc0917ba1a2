#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// tunectl supports Node 20 (package.json engines); the AWS SDK's notice that its future
// releases will want Node 22 is noise on every command that touches the bucket.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
