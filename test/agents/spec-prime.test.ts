import "../helpers/env.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { setRoleOverride } from "../../src/agents/role-text.js";
import { sendMail } from "../../src/mail/send.js";
import { slingTest } from "../helpers/agents.js";
import { runOv, tempRepo } from "../helpers/repo.js";

describe("git ov spec write|show", () => {
  it("stores a spec in refs/ov/specs with the writing agent in the trailers", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const w = await runOv(["spec", "write", "t1", "--json"], {
        cwd: repo.dir,
        input: "# Spec\nDo it.",
        env: { GIT_OV_AGENT: "scout-t1" },
      });
      assert.equal(w.code, 0, w.stderr);
      assert.deepEqual(JSON.parse(w.stdout).taskId, "t1");
      assert.equal(repo.git("show", "refs/ov/specs:t1.md"), "# Spec\nDo it.");
      assert.match(
        repo.git("log", "-1", "--format=%B", "refs/ov/specs"),
        /Ov-Op: spec-write\nOv-Task: t1\nOv-Agent: scout-t1/,
      );
      const s = await runOv(["spec", "show", "t1", "--json"], { cwd: repo.dir });
      assert.deepEqual(
        [JSON.parse(s.stdout).body, JSON.parse(s.stdout).author],
        ["# Spec\nDo it.\n", "scout-t1"],
      );
      const same = await runOv(["spec", "write", "t1", "--body", "# Spec\nDo it."], { cwd: repo.dir });
      assert.match(same.stdout, /unchanged/);
    } finally {
      repo.cleanup();
    }
  });

  it("refuses an empty body, a bad task id and a missing spec", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const empty = await runOv(["spec", "write", "t1", "--body", "  "], { cwd: repo.dir });
      assert.deepEqual([empty.code, /the spec for 't1' is empty/.test(empty.stderr)], [2, true]);
      const bad = await runOv(["spec", "write", "../x", "--body", "x"], { cwd: repo.dir });
      assert.equal(bad.code, 2);
      const missing = await runOv(["spec", "show", "nope"], { cwd: repo.dir });
      assert.equal(missing.code, 4);
      assert.match(missing.stderr, /no spec for task 'nope' \(write one with: git ov spec write nope/);
      assert.equal(repo.git("for-each-ref", "refs/ov/"), "");
    } finally {
      repo.cleanup();
    }
  });
});

describe("git ov prime", () => {
  it("gives an agent its session, unread mail and overlay, and the operator the swarm", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await setRoleOverride(deps, "builder", "# Builder\nOur house builder rules.\n", "operator");
      const { result } = await slingTest(deps, { task: "t1" });
      assert.match(readFileSync(result.overlayPath, "utf8"), /Our house builder rules\./);
      await sendMail(deps, { from: "operator", to: "builder-t1", subject: "go", body: "now" });
      const agent = await runOv(["prime"], {
        cwd: result.session.worktree,
        env: { GIT_OV_AGENT: "builder-t1" },
      });
      assert.equal(agent.code, 0, agent.stderr);
      assert.match(agent.stdout, /# git ov context: builder-t1 \(builder\)/);
      assert.match(agent.stdout, /Unread mail: 1 — read it with: git ov mail check --agent builder-t1/);
      assert.match(agent.stdout, /## Overlay\n\n<!-- git ov overlay for builder-t1/);
      const compact = await runOv(["prime", "--agent", "builder-t1", "--compact", "--json"], {
        cwd: repo.dir,
      });
      const c = JSON.parse(compact.stdout);
      assert.deepEqual([c.agent, c.unread, c.context.includes("## Overlay")], ["builder-t1", 1, false]);
      const op = await runOv(["prime", "--json"], { cwd: repo.dir });
      const o = JSON.parse(op.stdout);
      assert.deepEqual(
        o.agents.map((a: { name: string }) => a.name),
        ["builder-t1"],
      );
      assert.equal(o.queued, 0);
      const unknown = await runOv(["prime", "--agent", "ghost"], { cwd: repo.dir });
      assert.equal(unknown.code, 4);
    } finally {
      repo.cleanup();
    }
  });
});
