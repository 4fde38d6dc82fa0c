// Runs the test suite: every test/**/*.test.ts, or only the files named in argv. Node 20's `--test`
// does not expand glob patterns (Node 21 does), so the files are collected here.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");

function collect(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "fixtures") collect(p, out);
    } else if (e.name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

const named = process.argv.slice(2);
const files = named.length > 0 ? named : collect(join(root, "test"), []).sort();
const res = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exitCode = res.status ?? 1;
