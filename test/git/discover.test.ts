// In-process repository discovery must agree with `git rev-parse` wherever it answers, and defer
// to git (return undefined) wherever the layout is unusual.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { chownSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { discoverInProcess } from "../../src/git/discover.js";
import { discoverRepoWithGit } from "../../src/git/repo.js";
import { gitIn, tempRepo } from "../helpers/repo.js";

const env = {};

async function agrees(cwd: string): Promise<void> {
  const fast = discoverInProcess(cwd, env);
  assert.ok(fast, `in-process discovery answers for ${cwd}`);
  assert.deepEqual(fast, await discoverRepoWithGit(cwd));
}

describe("discoverInProcess", () => {
  it("agrees with git rev-parse in a checkout, its subdirectories and its linked worktrees", async () => {
    const repo = tempRepo({ commit: true });
    const outside = realpathSync(mkdtempSync(join(tmpdir(), "ov-wt-")));
    try {
      mkdirSync(join(repo.dir, "a", "b"), { recursive: true });
      await agrees(repo.dir);
      await agrees(join(repo.dir, "a", "b"));
      const inner = join(repo.dir, ".git", "ov", "worktrees", "w1");
      repo.git("worktree", "add", "-q", "-b", "w1", inner);
      await agrees(inner);
      repo.git("worktree", "add", "-q", "-b", "w2", join(outside, "w2"));
      mkdirSync(join(outside, "w2", "sub"));
      await agrees(join(outside, "w2", "sub"));
    } finally {
      repo.cleanup();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("agrees in a repository without commits and with a separate git dir", async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), "ov-sep-")));
    try {
      gitIn(base, ["init", "-q", "fresh"]);
      await agrees(join(base, "fresh"));
      gitIn(base, ["init", "-q", `--separate-git-dir=${join(base, "store.git")}`, "work"]);
      await agrees(join(base, "work"));
      writeFileSync(join(base, "work", ".git"), "gitdir: ../store.git\n");
      await agrees(join(base, "work"));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("defers to git for bare repositories, .git itself, core.worktree, ceilings and no repository", () => {
    const bare = tempRepo({ bare: true });
    const repo = tempRepo({ commit: true });
    const none = mkdtempSync(join(tmpdir(), "ov-none-"));
    try {
      assert.equal(discoverInProcess(bare.dir, env), undefined);
      assert.equal(discoverInProcess(join(repo.dir, ".git"), env), undefined);
      assert.equal(discoverInProcess(repo.dir, { GIT_CEILING_DIRECTORIES: tmpdir() }), undefined);
      assert.equal(discoverInProcess(none, env), undefined);
      repo.git("config", "core.worktree", repo.dir);
      assert.equal(discoverInProcess(repo.dir, env), undefined);
    } finally {
      bare.cleanup();
      repo.cleanup();
      rmSync(none, { recursive: true, force: true });
    }
  });

  it("defers to git (safe.directory) for a repository owned by another user", {
    skip: process.getuid?.() !== 0,
  }, () => {
    const repo = tempRepo({ commit: true });
    try {
      chownSync(join(repo.dir, ".git"), 65534, 65534);
      assert.equal(discoverInProcess(repo.dir, env), undefined);
    } finally {
      repo.cleanup();
    }
  });
});
