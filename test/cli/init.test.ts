// `git ov init` through the real bin: fresh repos, linked worktrees, core.hooksPath, chained user
// hooks restored byte for byte, idempotence, and no repository at all.
import "../helpers/env.js";
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { OV_SUBDIRS } from "../../src/setup/init.js";
import { fsck, gitIn, runOv, tempRepo } from "../helpers/repo.js";

const SHIMS = ["commit-msg", "post-commit", "post-merge", "pre-push", "reference-transaction"];

function hookFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.endsWith(".sample"))
    .sort();
}

describe("git ov init", () => {
  it("prepares a fresh repository without commits and commits nothing", async () => {
    const repo = tempRepo();
    try {
      const res = await runOv(["init"], { cwd: repo.dir });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /refs\/ov\/config \(created\)/);
      for (const sub of OV_SUBDIRS) assert.ok(statSync(join(repo.dir, ".git", "ov", sub)).isDirectory());
      assert.deepEqual(hookFiles(join(repo.dir, ".git", "hooks")), SHIMS);
      const config = JSON.parse(repo.git("show", "refs/ov/config:config.json"));
      assert.deepEqual(config, {
        v: 1,
        values: { "project.canonicalBranch": "main", "project.name": repo.dir.split("/").pop() },
      });
      assert.equal(repo.git("for-each-ref", "--format=%(refname)"), "refs/ov/config");
      assert.throws(() => repo.git("rev-parse", "--verify", "-q", "HEAD"), "HEAD stays unborn");
      assert.equal(repo.git("status", "--porcelain", "--ignored"), "");
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("is idempotent: a second run keeps the config and does not chain to its own shims", async () => {
    const repo = tempRepo({ commit: true });
    try {
      assert.equal((await runOv(["init"], { cwd: repo.dir })).code, 0);
      const tip = repo.git("rev-parse", "refs/ov/config");
      const hook = readFileSync(join(repo.dir, ".git", "hooks", "post-commit"), "utf8");
      const again = await runOv(["init", "--json"], { cwd: repo.dir });
      assert.equal(again.code, 0, again.stderr);
      const out = JSON.parse(again.stdout);
      assert.equal(out.success, true);
      assert.equal(out.configCreated, false);
      assert.deepEqual(
        out.hooks.map((h: { state: string; chained: boolean }) => [h.state, h.chained]),
        SHIMS.map(() => ["installed", false]),
      );
      assert.equal(repo.git("rev-parse", "refs/ov/config"), tip);
      assert.equal(readFileSync(join(repo.dir, ".git", "hooks", "post-commit"), "utf8"), hook);
      assert.deepEqual(hookFiles(join(repo.dir, ".git", "hooks")), SHIMS);
    } finally {
      repo.cleanup();
    }
  });

  it("works from inside a linked worktree: state and hooks go to the common dir", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const wt = join(repo.dir, ".git", "ov-test-wt");
      repo.git("worktree", "add", "-q", "-b", "side", wt);
      const res = await runOv(["init"], { cwd: wt });
      assert.equal(res.code, 0, res.stderr);
      assert.ok(existsSync(join(repo.dir, ".git", "ov", "turns")));
      assert.ok(!existsSync(join(repo.dir, ".git", "worktrees", "ov-test-wt", "ov")));
      assert.deepEqual(hookFiles(join(repo.dir, ".git", "hooks")), SHIMS);
      assert.equal(repo.git("rev-parse", "refs/ov/config"), gitIn(wt, ["rev-parse", "refs/ov/config"]));
      assert.equal(
        JSON.parse(repo.git("show", "refs/ov/config:config.json")).values["project.canonicalBranch"],
        "side",
      );
    } finally {
      repo.cleanup();
    }
  });

  it("installs into core.hooksPath, also when run from a subdirectory", async () => {
    const repo = tempRepo({ commit: true });
    try {
      repo.git("config", "core.hooksPath", ".githooks");
      mkdirSync(join(repo.dir, "sub", "deeper"), { recursive: true });
      const res = await runOv(["init"], { cwd: join(repo.dir, "sub", "deeper") });
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(hookFiles(join(repo.dir, ".githooks")), SHIMS);
      assert.ok(!existsSync(join(repo.dir, "sub", "deeper", ".githooks")));
      assert.deepEqual(hookFiles(join(repo.dir, ".git", "hooks")), []);
    } finally {
      repo.cleanup();
    }
  });

  it("chains an existing user hook, which still runs, and --uninstall restores it byte for byte", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const hooks = join(repo.dir, ".git", "hooks");
      const marker = join(repo.dir, ".git", "user-hook-ran");
      const userHook = `#!/bin/sh\n# the user's own hook\necho "post-commit $(git rev-parse HEAD)" >> '${marker}'\n`;
      writeFileSync(join(hooks, "post-commit"), userHook);
      chmodSync(join(hooks, "post-commit"), 0o750);
      const refLog = join(repo.dir, ".git", "user-ref-hook");
      writeFileSync(join(hooks, "reference-transaction"), `#!/bin/sh\ncat >> '${refLog}'\n`, { mode: 0o755 });
      const res = await runOv(["init"], { cwd: repo.dir });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /chained to your post-commit, reference-transaction/);
      assert.equal(readFileSync(join(hooks, "post-commit.ov-user"), "utf8"), userHook);

      writeFileSync(join(repo.dir, "f.txt"), "x\n");
      repo.git("add", "f.txt");
      repo.git("commit", "-q", "-m", "second");
      assert.equal(readFileSync(marker, "utf8"), `post-commit ${repo.git("rev-parse", "HEAD")}\n`);
      assert.match(readFileSync(refLog, "utf8"), / refs\/heads\/main\n/, "the user's hook still gets stdin");

      const un = await runOv(["init", "--uninstall"], { cwd: repo.dir });
      assert.equal(un.code, 0, un.stderr);
      assert.equal(readFileSync(join(hooks, "post-commit"), "utf8"), userHook);
      assert.equal(statSync(join(hooks, "post-commit")).mode & 0o777, 0o750);
      assert.deepEqual(hookFiles(hooks), ["post-commit", "reference-transaction"]);
      assert.ok(existsSync(join(repo.dir, ".git", "ov")), "state is kept");
    } finally {
      repo.cleanup();
    }
  });

  it("refuses, changing nothing, when a hook and its .ov-user twin both exist", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const hooks = join(repo.dir, ".git", "hooks");
      writeFileSync(join(hooks, "pre-push"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      writeFileSync(join(hooks, "pre-push.ov-user"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      const res = await runOv(["init"], { cwd: repo.dir });
      assert.equal(res.code, 1);
      assert.equal(res.stderr.trim().split("\n").length, 1);
      assert.match(res.stderr, /both .*pre-push and .*pre-push\.ov-user exist.*by hand/);
      assert.deepEqual(hookFiles(hooks), ["pre-push", "pre-push.ov-user"]);
      assert.ok(!existsSync(join(repo.dir, ".git", "ov")));
      assert.equal(repo.git("for-each-ref", "refs/ov/"), "");
    } finally {
      repo.cleanup();
    }
  });

  it("outside a repository: one-line error, exit 3, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ov-norepo-"));
    for (const args of [["init"], ["config", "set", "agents.maxDepth", "3"], ["doctor"]]) {
      const res = await runOv(args, { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
      assert.equal(res.code, 3, `${args.join(" ")}: ${res.stderr}`);
      assert.equal(res.stdout, "");
      assert.match(
        res.stderr,
        /^git ov: error: not a git repository: .*\(run git ov inside a git repository/,
      );
      assert.equal(res.stderr.trim().split("\n").length, 1);
    }
    assert.deepEqual(readdirSync(dir), []);
  });
});
