// Bundles the dashboard's front end (src/ui/web/) into dist/ui/web/: one ES module, its CSS
// and the page. No CDN, nothing fetched at run time: the package works offline.
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const src = path.join(root, "src", "ui", "web");
const out = path.join(root, "dist", "ui", "web");

await mkdir(out, { recursive: true });
await build({
  entryPoints: [path.join(src, "main.ts")],
  outfile: path.join(out, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(path.join(src, "app.css"), path.join(out, "app.css"));
await copyFile(path.join(src, "index.html"), path.join(out, "index.html"));
