// Bundles src/cli/entry.ts into dist/ with code splitting, so each command namespace is its own
// chunk and a cold start loads only what argv needs.
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
rmSync(join(root, "dist"), { recursive: true, force: true });
await build({
  // scripted-agent: the scripted runtime's agent program (spawned per turn; kept off the CLI's path).
  entryPoints: {
    cli: join(root, "src/cli/entry.ts"),
    "scripted-agent": join(root, "src/runtimes/scripted/main.ts"),
  },
  outdir: join(root, "dist"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  chunkNames: "chunks/[name]-[hash]",
  define: { __OV_VERSION__: JSON.stringify(pkg.version) },
  // clipanion is CommonJS and requires Node built-ins; give the ESM chunks a `require`.
  banner: {
    js: 'import { createRequire as __ovCreateRequire } from "node:module"; const require = __ovCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
