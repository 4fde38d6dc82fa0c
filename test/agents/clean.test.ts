import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cleanState } from "../../src/agents/clean.js";
import { writeSpec } from "../../src/agents/spec.js";
import { cleanWorktrees } from "../../src/agents/worktree-clean.js";
import { sendMail } from "../../src/mail/send.js";
import { tryTransition } from "../../src/sessions/store.js";
import { gitIn, sessionJson, slingTest } from "../helpers/agents.js";
import { fsck, runOv, tempRepo } from "../helpers/repo.js";

describe("git ov worktree list|clean", () => {
  it("lists agent worktrees joined to their sessions", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "t1" });
      const r = await runOv(["worktree", "list", "--json"], { cwd: repo.dir });
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.equal(rows.length, 1);
      assert.deepEqual(
        [rows[0].agent, rows[0].state, rows[0].branch, rows[0].task, rows[0].capability],
        ["builder-t1", "booting", "ov/builder-t1/t1", "t1", "builder"],
      );
    } finally {
      repo.cleanup();
    }
  });

  it("cleans only finished agents by default and keeps what would lose work", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const live = (await slingTest(deps, { task: "live" })).result.session;
      const done = (await slingTest(deps, { task: "done" })).result.session;
      const unmerged = (await slingTest(deps, { task: "unmerged" })).result.session;
      const dirty = (await slingTest(deps, { task: "dirty" })).result.session;
      gitIn(unmerged.worktree, "commit", "--allow-empty", "-q", "-m", "work");
      writeFileSync(join(dirty.worktree, "wip.txt"), "x");
      for (const s of [done, unmerged, dirty]) await tryTransition(deps, s.name, "completed");

      const r = await cleanWorktrees(deps, { all: false, force: false });
      assert.deepEqual(
        r.cleaned.map((c) => c.agent),
        ["builder-done"],
      );
      const reasons = Object.fromEntries(r.skipped.map((s) => [s.agent, s.reason]));
      assert.match(reasons["builder-live"]!, /agent is booting/);
      assert.match(reasons["builder-unmerged"]!, /1 commit\(s\) not in main/);
      assert.match(reasons["builder-dirty"]!, /1 uncommitted change/);
      assert.equal(existsSync(done.worktree), false);
      assert.equal(repo.git("branch", "--list", "ov/builder-done/*"), "");
      assert.ok(existsSync(unmerged.worktree) && existsSync(dirty.worktree) && existsSync(live.worktree));

      const all = await cleanWorktrees(deps, { all: true, force: true });
      assert.equal(all.cleaned.length, 3);
      assert.equal(sessionJson(repo, "builder-live").state, "completed");
      assert.equal(repo.git("worktree", "list").split("\n").length, 1);
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("does not remove a parent whose children still run, unless forced", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "big", capability: "lead" });
      await slingTest(deps, { task: "part", parent: "lead-big" });
      await tryTransition(deps, "lead-big", "completed");
      const r = await cleanWorktrees(deps, { all: false, force: false });
      assert.deepEqual(r.blockedByChildren, [{ agent: "lead-big", children: ["builder-part"] }]);
      const cli = await runOv(["worktree", "clean", "--force"], { cwd: repo.dir });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /removed 1 worktree\(s\)/);
    } finally {
      repo.cleanup();
    }
  });
});

describe("git ov clean", () => {
  it("needs a category", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const r = await runOv(["clean"], { cwd: repo.dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /nothing to clean: name at least one category \(pass --worktrees/);
    } finally {
      repo.cleanup();
    }
  });

  it("removes by category and says which unmerged branches it kept and why", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const a = (await slingTest(deps, { task: "a" })).result.session;
      const b = (await slingTest(deps, { task: "b" })).result.session;
      gitIn(b.worktree, "commit", "--allow-empty", "-q", "-m", "unmerged");
      await writeSpec(deps, "a", "spec", undefined);
      await sendMail(deps, { from: "builder-a", to: "operator", subject: "s", body: "b" });
      mkdirSync(join(repo.dir, ".git", "ov", "logs", "builder-a"), { recursive: true });

      const r = await runOv(["clean", "--worktrees", "--branches", "--json"], { cwd: repo.dir });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.removed.worktrees.length, 2);
      assert.deepEqual(out.removed.branches, [a.branch]);
      assert.deepEqual(out.kept, [
        { what: b.branch, reason: "1 commit(s) not in main; merge it or pass --force" },
      ]);
      assert.equal(sessionJson(repo, "builder-a").state, "completed");

      const all = await cleanState(
        deps,
        new Set(["sessions", "mail", "specs", "logs", "branches"] as const),
        { force: true, all: true },
      );
      assert.deepEqual(all.removed.branches, [b.branch]);
      assert.equal(repo.git("for-each-ref", "refs/ov/sessions/", "refs/ov/mail/", "refs/ov/specs"), "");
      assert.equal(existsSync(join(repo.dir, ".git", "ov", "logs", "builder-a")), false);
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("keeps live agents' sessions unless forced", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "a" });
      const r = await cleanState(deps, new Set(["sessions"] as const), { force: false, all: false });
      assert.deepEqual(r.kept, [
        { what: "session builder-a", reason: "agent is booting; git ov stop it first, or pass --force" },
      ]);
      assert.ok(repo.git("rev-parse", "refs/ov/sessions/builder-a"));
    } finally {
      repo.cleanup();
    }
  });
});
