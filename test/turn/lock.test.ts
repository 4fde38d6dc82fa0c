import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { systemClock } from "../../src/sys/clock.js";
import { TurnLocks, turnLockPath } from "../../src/turn/lock.js";

describe("turn lock", () => {
  it("queues callers in one process in FIFO order", async () => {
    const locks = new TurnLocks(mkdtempSync(join(tmpdir(), "ov-lock-")), systemClock, 5);
    const order: number[] = [];
    const first = await locks.acquire("a", 1000);
    const waiters = [1, 2, 3].map((i) =>
      locks.acquire("a", 5000).then((h) => {
        order.push(i);
        h.release();
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(order, []);
    first.release();
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3]);
  });

  it("times out with the holder named when another live process holds the lease", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ov-lock-"));
    const child = spawn(process.execPath, ["-e", "setTimeout(()=>{}, 60000)"], { stdio: "ignore" });
    mkdirSync(join(dir, "turns"), { recursive: true });
    writeFileSync(
      turnLockPath(dir, "b"),
      JSON.stringify({ pid: child.pid, host: hostname(), started: 1, token: "x" }),
    );
    const locks = new TurnLocks(dir, systemClock, 5);
    await assert.rejects(locks.acquire("b", 50), (e: Error) => e.message.includes(`pid ${child.pid}`));
    child.kill("SIGKILL");
  });

  it("takes over a lease whose holder was killed, and exactly one of two racing takers wins", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ov-lock-"));
    mkdirSync(join(dir, "turns"), { recursive: true });
    const dead = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(
      turnLockPath(dir, "c"),
      JSON.stringify({ pid: dead.pid, host: hostname(), started: 1, token: "dead" }),
    );
    const script = `
      import { TurnLocks } from ${JSON.stringify(new URL("../../src/turn/lock.ts", import.meta.url).href)};
      import { systemClock } from ${JSON.stringify(new URL("../../src/sys/clock.ts", import.meta.url).href)};
      const locks = new TurnLocks(${JSON.stringify(dir)}, systemClock, 5);
      try { const h = await locks.acquire("c", 0); process.stdout.write("won\\n"); await new Promise(r => setTimeout(r, 4000)); h.release(); }
      catch { process.stdout.write("lost\\n"); }`;
    const run = () =>
      new Promise<string>((resolve) => {
        const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        p.stdout.on("data", (b: Buffer) => {
          out += b.toString();
        });
        p.on("exit", () => resolve(out.trim()));
      });
    const results = await Promise.all([run(), run()]);
    assert.deepEqual(results.sort(), ["lost", "won"]);
    assert.throws(() => readFileSync(turnLockPath(dir, "c")), /ENOENT/);
  });
});
