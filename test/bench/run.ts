// Runs benchmarks: every test/bench/*.bench.ts, or only those named in argv (`npm run bench -- store`).
// Each runs in its own process so one cannot warm the caches of the next.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();
const wanted = process.argv.slice(2);
const chosen =
  wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f === w || f.startsWith(`${w}.`)));
if (chosen.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(", ")}; have: ${all.join(", ")}\n`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  process.stdout.write(`\n## ${file}\n`);
  const res = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], { stdio: "inherit" });
  if (res.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
