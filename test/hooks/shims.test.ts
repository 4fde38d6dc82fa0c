// The installed hook shims filter in shell: an ordinary commit or a non-mail ref update must not
// start Node at all. GIT_OV_BIN points the shims at a recorder script standing in for git-ov.
import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gitIn, runOv, tempRepo } from "../helpers/repo.js";

function calls(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
}

describe("hook shims", () => {
  it("start git-ov only for refs/ov/mail/ updates made outside git ov", async () => {
    const repo = tempRepo({ commit: true });
    try {
      assert.equal((await runOv(["init"], { cwd: repo.dir })).code, 0);
      const log = join(repo.dir, ".git", "recorded-calls");
      const recorder = join(repo.dir, ".git", "recorder.sh");
      writeFileSync(recorder, `#!/bin/sh\nprintf '%s|%s\\n' "$*" "$(cat | tr '\\n' ';')" >> '${log}'\n`, {
        mode: 0o755,
      });
      process.env.GIT_OV_BIN = recorder;
      const head = repo.git("rev-parse", "HEAD");

      writeFileSync(join(repo.dir, "f.txt"), "x\n");
      repo.git("add", "f.txt");
      repo.git("commit", "-q", "-m", "an ordinary commit");
      repo.git("update-ref", "refs/ov/sessions/builder-1", head);
      repo.git("branch", "topic");
      assert.deepEqual(calls(log), [], "commits, branches and other refs/ov refs start nothing");

      repo.git("update-ref", "refs/ov/mail/builder-1", head);
      assert.deepEqual(calls(log), [
        `hook reference-transaction committed|${"0".repeat(40)} ${head} refs/ov/mail/builder-1;`,
      ]);

      process.env.GIT_OV_INTERNAL = "1";
      repo.git("update-ref", "refs/ov/mail/lead-1", head);
      delete process.env.GIT_OV_INTERNAL;
      assert.equal(calls(log).length, 1, "git ov's own updates are marked and skipped");

      // An agent's commit does go to git-ov (trailers and activity), once per hook.
      process.env.GIT_OV_AGENT = "builder-1";
      writeFileSync(join(repo.dir, "g.txt"), "y\n");
      gitIn(repo.dir, ["add", "g.txt"]);
      gitIn(repo.dir, ["commit", "-q", "-m", "an agent's commit"]);
      delete process.env.GIT_OV_AGENT;
      assert.deepEqual(
        calls(log)
          .slice(1)
          .map((c) => (c.split("|")[0] ?? "").split(" ").slice(0, 2).join(" ")),
        ["hook commit-msg", "hook post-commit"],
      );
    } finally {
      delete process.env.GIT_OV_BIN;
      delete process.env.GIT_OV_INTERNAL;
      delete process.env.GIT_OV_AGENT;
      repo.cleanup();
    }
  });

  it("pre-push stops an agent from pushing without starting Node", async () => {
    const repo = tempRepo({ commit: true });
    try {
      assert.equal((await runOv(["init"], { cwd: repo.dir })).code, 0);
      const remote = tempRepo({ bare: true });
      try {
        repo.git("remote", "add", "origin", remote.dir);
        process.env.GIT_OV_BIN = "/nonexistent/git-ov";
        process.env.GIT_OV_AGENT = "builder-1";
        assert.throws(() => repo.git("push", "-q", "origin", "main"), /may not push/);
        delete process.env.GIT_OV_AGENT;
        repo.git("push", "-q", "origin", "main");
        assert.equal(remote.git("rev-parse", "main"), repo.git("rev-parse", "main"));
      } finally {
        remote.cleanup();
      }
    } finally {
      delete process.env.GIT_OV_BIN;
      delete process.env.GIT_OV_AGENT;
      repo.cleanup();
    }
  });
});
