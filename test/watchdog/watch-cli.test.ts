import "../helpers/env.js";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readPidFile } from "../../src/sys/pid-file.js";
import { pidRunning } from "../../src/sys/process.js";
import { BIN, type TempRepo, runOv, tempRepo } from "../helpers/repo.js";
import { exited, waitFor } from "./harness.js";

const repos: TempRepo[] = [];
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  for (const r of repos) r.cleanup();
});

function repo(): { r: TempRepo; pidFile: string } {
  const r = tempRepo({ commit: true });
  repos.push(r);
  return { r, pidFile: join(r.dir, ".git", "ov", "watchdog.pid") };
}

function start(cwd: string, args: string[], argv0 = BIN): ChildProcess {
  const p = spawn(process.execPath, [argv0, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  procs.push(p);
  return p;
}

describe("git ov watch", () => {
  it("two watchdogs started at once leave exactly one, which SIGTERM stops cleanly", async () => {
    const { r, pidFile } = repo();
    const a = start(r.dir, ["watch", "--interval", "60000"]);
    const b = start(r.dir, ["watch", "--interval", "60000"]);
    const loser = await Promise.race([
      exited(a).then((code) => ({ p: a, code })),
      exited(b).then((code) => ({ p: b, code })),
    ]);
    const winner = loser.p === a ? b : a;
    assert.equal(loser.code, 5, "the second one is refused (LOCKED)");
    await waitFor("the pid file", () => readPidFile(pidFile) === winner.pid);
    assert.equal(pidRunning(winner.pid!), true);

    winner.kill("SIGTERM");
    assert.equal(await exited(winner), 0);
    assert.equal(existsSync(pidFile), false, "the pid file is removed on SIGTERM");
  });

  it("refuses to start beside a live watchdog, naming it and the fix", async () => {
    const { r } = repo();
    const bg = await runOv(["watch", "--background", "--interval", "60000", "--json"], { cwd: r.dir });
    assert.equal(bg.code, 0, bg.stderr);
    const { pid } = JSON.parse(bg.stdout) as { pid: number };
    try {
      const again = await runOv(["watch", "--once"], { cwd: r.dir });
      assert.equal(again.code, 5);
      assert.match(again.stderr, new RegExp(`watchdog already running \\(pid ${pid}\\).*--kill-others`));

      const doctor = await runOv(["doctor", "--category", "watchdog", "--json"], { cwd: r.dir });
      const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] }).checks;
      assert.deepEqual(
        checks.map((c) => `${c.name}:${c.status}`),
        ["pid file:ok", "daemons:ok"],
      );

      const replace = await runOv(["watch", "--kill-others", "--once", "--json"], { cwd: r.dir });
      assert.equal(replace.code, 0, replace.stderr);
      assert.deepEqual((JSON.parse(replace.stdout) as { killed: number[] }).killed, [pid]);
      assert.equal(pidRunning(pid), false);
    } finally {
      if (pidRunning(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("--once --json prints one tick's report", async () => {
    const { r, pidFile } = repo();
    const res = await runOv(["watch", "--once", "--json"], { cwd: r.dir });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { success: boolean; sessions: number; actions: unknown[] };
    assert.deepEqual([out.success, out.sessions, out.actions], [true, 0, []]);
    assert.equal(existsSync(pidFile), false);
  });
});

describe("git ov doctor --category watchdog", () => {
  it("reports a stale pid file and removes it with --fix", async () => {
    const { r, pidFile } = repo();
    mkdirSync(join(r.dir, ".git", "ov"), { recursive: true });
    const dead = spawn(process.execPath, ["-e", "0"]);
    await exited(dead);
    writeFileSync(pidFile, `${dead.pid}\n`);
    const res = await runOv(["doctor", "--category", "watchdog"], { cwd: r.dir });
    assert.equal(res.code, 1);
    assert.match(res.stdout, /FAIL watchdog\/pid file: stale pid file .* not running/);
    const fixed = await runOv(["doctor", "--category", "watchdog", "--fix"], { cwd: r.dir });
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.equal(existsSync(pidFile), false);
  });

  it("reports more than one watchdog process for the repository", async () => {
    const { r } = repo();
    // Two processes whose command lines read `… git-ov watch`, as a second daemon's would.
    const fakes = [0, 1].map(() => {
      const p = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)", "git-ov", "watch"], {
        cwd: r.dir,
        stdio: "ignore",
      });
      procs.push(p);
      return p;
    });
    const other = tempRepo();
    repos.push(other);
    const elsewhere = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)", "git-ov", "watch"], {
      cwd: other.dir,
      stdio: "ignore",
    });
    procs.push(elsewhere);
    await waitFor("the fakes to start", () => fakes.every((p) => p.pid !== undefined && pidRunning(p.pid)));
    const res = await runOv(["doctor", "--category", "watchdog", "--json"], { cwd: r.dir });
    const checks = (JSON.parse(res.stdout) as { checks: { name: string; status: string; message: string }[] })
      .checks;
    const daemons = checks.find((c) => c.name === "daemons");
    assert.equal(daemons?.status, "fail");
    assert.match(daemons?.message ?? "", /^2 watchdog processes/);
    for (const p of fakes) assert.match(daemons?.message ?? "", new RegExp(String(p.pid)));
  });
});
