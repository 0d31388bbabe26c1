// Bundle each widget's front end with esbuild: every ES module in sora_widgets/widgets/static/
// that has `export default` is a displayed widget's entry; its bundle (imports and CSS included)
// goes to static/dist/<name>.js and static/dist/<name>.css, which anywidget loads as `_esm`/`_css`.
// The bundles are committed (a pip install needs no Node) and not minified (readable, diffable).
//   node scripts/build_front.mjs            build once (npm run build)
//   node scripts/build_front.mjs --watch    rebuild on every change (npm run dev; pair with ANYWIDGET_HMR=1)
//   node scripts/build_front.mjs --outdir D build into D instead (the test that the bundles are current)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const staticDir = join("sora_widgets", "widgets", "static");
const args = process.argv.slice(2);
const outIndex = args.indexOf("--outdir");
const outdir = outIndex >= 0 ? resolve(args[outIndex + 1]) : join(root, staticDir, "dist");

const entryPoints = readdirSync(join(root, staticDir))
  .filter((name) => name.endsWith(".js"))
  .filter((name) => /^export default /m.test(readFileSync(join(root, staticDir, name), "utf8")))
  .sort()
  .map((name) => join(staticDir, name));

const options = {
  absWorkingDir: root, // the paths in the bundles' comments are relative to the repository
  entryPoints,
  outdir,
  bundle: true,
  format: "esm",
  target: "es2020",
  charset: "utf8",
  minify: false,
  logLevel: "warning",
};

if (args.includes("--watch")) {
  const context = await esbuild.context({ ...options, logLevel: "info" });
  await context.watch();
} else {
  await esbuild.build(options);
}
