import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, it } from "node:test";
import { acquireMergeLock, lockRef, readMergeLock } from "../../src/merge/lock.js";
import type { LockInfo } from "../../src/merge/types.js";
import { ManualClock } from "../../src/sys/clock.js";
import type { Deps } from "../../src/store/deps.js";
import { fsck, tempRepo } from "../helpers/repo.js";

const opts = { holder: "test", waitMs: 0, leaseMs: 60_000 };

async function plant(deps: Deps, target: string, info: Partial<LockInfo>): Promise<void> {
  const at = new Date(deps.clock.now()).toISOString();
  const full: LockInfo = {
    v: 1,
    target,
    holder: "other",
    pid: process.pid,
    host: hostname(),
    started: at,
    renewed: at,
    leaseMs: 60_000,
    ...info,
  };
  await deps.store.update(lockRef(target), async (d) => {
    await d.writeJson("lock.json", full);
    return { write: { subject: "planted lock" }, value: null };
  });
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid;
}

describe("merge/lock", () => {
  it("creates one lock ref per target (encoded), refuses a live holder, and releases by CAS", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const a = await acquireMergeLock(deps, "feature/x", opts);
      assert.equal(a.ref, "refs/ov/merge/lock/feature%2Fx");
      const b = await acquireMergeLock(deps, "feature", opts);
      assert.notEqual(a.ref, b.ref);
      const held = await readMergeLock(deps, "feature/x");
      assert.equal(held?.info?.pid, process.pid);
      await assert.rejects(acquireMergeLock(deps, "feature/x", opts), (e: Error & { code?: string }) => {
        assert.equal(e.code, "LOCKED");
        assert.match(e.message, new RegExp(`test \\(pid ${process.pid} on `));
        return true;
      });
      await a.release();
      await a.release();
      assert.equal(await readMergeLock(deps, "feature/x"), undefined);
      assert.ok(await readMergeLock(deps, "feature"));
      await b.release();
      assert.equal(repo.git("for-each-ref", "refs/ov/merge/lock/"), "");
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("takes over a lock whose holder died on this host", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await plant(deps, "main", { pid: deadPid() });
      const lock = await acquireMergeLock(deps, "main", opts);
      assert.match(lock.tookOver ?? "", /is not running/);
      assert.equal((await readMergeLock(deps, "main"))?.info?.holder, "test");
      assert.match(repo.git("log", "-1", "--format=%s", lockRef("main")), /take-over/);
      await lock.release();
    } finally {
      repo.cleanup();
    }
  });

  it("respects a live lease on another host and takes it over once it expired", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const clock = new ManualClock();
      const deps = await repo.deps({ clock });
      await plant(deps, "main", { host: "elsewhere", pid: 1, leaseMs: 10_000 });
      await assert.rejects(acquireMergeLock(deps, "main", opts), /elsewhere/);
      clock.advance(10_001);
      const lock = await acquireMergeLock(deps, "main", opts);
      assert.match(lock.tookOver ?? "", /lease expired/);
      await lock.release();
    } finally {
      repo.cleanup();
    }
  });

  it("waits for a live holder up to the timeout, then gets the lock", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const first = await acquireMergeLock(deps, "main", opts);
      const second = acquireMergeLock(deps, "main", { ...opts, holder: "waiter", waitMs: 30_000 });
      setTimeout(() => void first.release(), 50);
      const lock = await second;
      assert.equal((await readMergeLock(deps, "main"))?.info?.holder, "waiter");
      await lock.release();
    } finally {
      repo.cleanup();
    }
  });
});
