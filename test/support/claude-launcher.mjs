// Test-only launcher standing in for `claude` (the conformance suite points runtime.claude.binary at a
// script that runs this). It runs the REAL Claude Code binary with the argv, cwd, env and stdin git ov
// gave it, and adds two things a test needs:
//  - a copy of the CLI's raw stdout in $OV_CLAUDE_CAPTURE_DIR (fixtures; failure diagnostics);
//  - when started inside a private network namespace (`unshare -n`), brings loopback up and relays
//    127.0.0.1:$OV_STUB_PORT to the model stub's unix socket $OV_STUB_SOCKET, so the CLI can reach the
//    stub and nothing else, whatever it tries.
// Plain JS (no tsx) to keep the start-up cost of every turn small.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { connect, createServer } from "node:net";
import { basename, join } from "node:path";

const env = process.env;
const real = env.OV_CLAUDE_REAL;
if (!real) {
  process.stderr.write("claude-launcher: OV_CLAUDE_REAL is not set\n");
  process.exit(127);
}

async function relay() {
  if (!env.OV_STUB_SOCKET || !env.OV_STUB_PORT) return;
  const ok = ["ip", "/usr/sbin/ip", "/sbin/ip"].some(
    (ip) => spawnSync(ip, ["link", "set", "lo", "up"], { stdio: "ignore" }).status === 0,
  );
  if (!ok) throw new Error("could not bring up loopback in the network namespace");
  const server = createServer((client) => {
    const upstream = connect(env.OV_STUB_SOCKET);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(env.OV_STUB_PORT), "127.0.0.1", resolve);
  });
  server.unref();
}

await relay();
const child = spawn(real, process.argv.slice(2), { stdio: ["inherit", "pipe", "inherit"] });
if (env.OV_CLAUDE_CAPTURE_DIR) {
  // <start ms>-<pid>-<cwd's name>: the cwd is the agent's worktree, named after the agent.
  const file = join(
    env.OV_CLAUDE_CAPTURE_DIR,
    `${Date.now()}-${process.pid}-${basename(process.cwd())}.ndjson`,
  );
  child.stdout.pipe(createWriteStream(file));
}
child.stdout.pipe(process.stdout);
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("error", (e) => {
  process.stderr.write(`claude-launcher: ${e.message}\n`);
  process.exit(127);
});
child.on("close", (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exitCode = code ?? 1;
});
