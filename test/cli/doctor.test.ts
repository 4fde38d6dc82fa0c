// `git ov doctor` through the real bin: healthy, corrupt documents pushed with plain git, stale
// locks, and --fix reinstalling removed hooks.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { plantDocument, runOv, tempRepo } from "../helpers/repo.js";

interface Check {
  category: string;
  name: string;
  status: string;
  message: string;
  fix?: string;
  fixed?: boolean;
}

async function doctor(
  dir: string,
  ...args: string[]
): Promise<{ code: number; ok: boolean; checks: Check[] }> {
  const res = await runOv(["doctor", "--json", ...args], { cwd: dir });
  const out = JSON.parse(res.stdout);
  return { code: res.code, ok: out.ok, checks: out.checks };
}

async function initRepo() {
  const repo = tempRepo({ commit: true });
  const res = await runOv(["init"], { cwd: repo.dir });
  assert.equal(res.code, 0, res.stderr);
  return repo;
}

describe("git ov doctor", () => {
  it("passes every check on a freshly initialised repository", async () => {
    const repo = await initRepo();
    try {
      const res = await doctor(repo.dir);
      assert.equal(res.code, 0);
      assert.equal(res.ok, true);
      assert.deepEqual(
        res.checks.filter((c) => c.status !== "ok"),
        [],
      );
      const text = await runOv(["doctor"], { cwd: repo.dir });
      assert.match(text.stdout, /^ok {3}hooks\/shims: all 5 installed$/m);
    } finally {
      repo.cleanup();
    }
  });

  it("reports a corrupt refs/ov/config pushed with plain git, with ref and commit, without crashing", async () => {
    const repo = await initRepo();
    try {
      const bad = plantDocument(repo.dir, "refs/ov/config", { "config.json": "{ this is not json" });
      const res = await doctor(repo.dir);
      assert.equal(res.code, 1);
      const check = res.checks.find((c) => c.category === "documents" && c.name === "config");
      assert.equal(check?.status, "fail");
      assert.match(
        check?.message ?? "",
        new RegExp(`refs/ov/config@${bad.slice(0, 12)}:config.json: not JSON`),
      );
      // Other commands keep working on defaults and say what they ignored.
      const get = await runOv(["config", "get", "agents.maxDepth"], { cwd: repo.dir });
      assert.equal(get.code, 0, get.stderr);
      assert.equal(get.stdout, "2\n");
      const wrongV = plantDocument(repo.dir, "refs/ov/config", { "config.json": '{"v": 7, "values": {}}' });
      const again = await doctor(repo.dir, "--category", "documents");
      assert.match(again.checks[0]?.message ?? "", new RegExp(`@${wrongV.slice(0, 12)}.*format version 7`));
    } finally {
      repo.cleanup();
    }
  });

  it("reinstalls removed hooks with --fix and keeps a chained user hook", async () => {
    const repo = await initRepo();
    try {
      const hooks = join(repo.dir, ".git", "hooks");
      rmSync(join(hooks, "pre-push"));
      writeFileSync(join(hooks, "post-merge"), "#!/bin/sh\necho mine\n", { mode: 0o755 });
      const before = await doctor(repo.dir, "--category", "hooks");
      assert.equal(before.checks[0]?.status, "warn");
      assert.match(before.checks[0]?.message ?? "", /post-merge foreign, pre-push missing/);
      const fixed = await doctor(repo.dir, "--fix");
      assert.equal(fixed.code, 0);
      assert.equal(fixed.checks.find((c) => c.category === "hooks")?.fixed, true);
      assert.ok(existsSync(join(hooks, "pre-push")));
      assert.ok(existsSync(join(hooks, "post-merge.ov-user")));
      const after = await doctor(repo.dir, "--category", "hooks");
      assert.equal(after.checks[0]?.status, "ok");
      assert.match(after.checks[0]?.message ?? "", /chained: post-merge/);
    } finally {
      repo.cleanup();
    }
  });

  it("reports a stale refs/ov lock with the rm command, and --fix removes only an ancient one", async () => {
    const repo = await initRepo();
    try {
      const lock = join(repo.dir, ".git", "refs", "ov", "config.lock");
      writeFileSync(lock, "");
      const old = new Date(Date.UTC(2020, 0, 1));
      utimesSync(lock, old, old);
      const res = await doctor(repo.dir, "--category", "locks");
      assert.equal(res.code, 1);
      assert.equal(res.checks[0]?.fix, `rm '${lock}'`);
      const fixed = await doctor(repo.dir, "--category", "locks", "--fix");
      assert.equal(fixed.checks[0]?.fixed, true);
      assert.ok(!existsSync(lock));
      writeFileSync(lock, "");
      const fresh = await doctor(repo.dir, "--category", "locks", "--fix");
      assert.equal(fresh.checks[0]?.status, "ok", "a live lock is not stale");
      assert.ok(existsSync(lock), "and is never removed");
    } finally {
      repo.cleanup();
    }
  });

  it("rejects an unknown category as a usage error", async () => {
    const repo = await initRepo();
    try {
      const res = await runOv(["doctor", "--category", "hookz"], { cwd: repo.dir });
      assert.equal(res.code, 2);
      assert.match(res.stderr, /unknown doctor category 'hookz' \(use one of git, setup/);
    } finally {
      repo.cleanup();
    }
  });
});
