import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Capability } from "../../src/agents/capabilities.js";
import { OVERLAY_FILE } from "../../src/agents/overlay.js";
import { tryTransition } from "../../src/sessions/store.js";
import { gitIn, sessionJson, slingTest } from "../helpers/agents.js";
import { fsck, tempRepo } from "../helpers/repo.js";

const TERMINAL: Record<Capability, string | null> = {
  coordinator: null,
  orchestrator: null,
  monitor: null,
  lead: "--type worker_done",
  scout: "--type worker_done",
  builder: "--type worker_done",
  reviewer: "--type worker_done",
  merger: "--type merged",
};

describe("sling", () => {
  it("slings every role with branch, worktree, overlay, guard file, session and exclusions", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const base = repo.git("rev-parse", "main");
      const common = repo.git("rev-parse", "--path-format=absolute", "--git-common-dir");
      const plan: [Capability, string, string | undefined, boolean][] = [
        ["lead", "auth", undefined, false],
        ["scout", "auth-map", "lead-auth", false],
        ["builder", "auth-impl", "lead-auth", false],
        ["reviewer", "auth-review", "lead-auth", false],
        ["merger", "auth-merge", "lead-auth", false],
        ["coordinator", "plan", undefined, true],
        ["orchestrator", "eco", undefined, true],
        ["monitor", "patrol", undefined, true],
      ];
      for (const [cap, task, parent, force] of plan) {
        const { result } = await slingTest(deps, { task, capability: cap, parent, forceHierarchy: force });
        const s = result.session;
        assert.equal(s.name, `${cap}-${task}`);
        assert.equal(repo.git("rev-parse", `refs/heads/ov/${s.name}/${task}`), base, `${cap} branch at base`);
        assert.equal(s.worktree, join(common, "ov", "worktrees", s.name));
        assert.equal(gitIn(s.worktree, "symbolic-ref", "--short", "HEAD"), `ov/${s.name}/${task}`);
        const overlay = readFileSync(join(s.worktree, OVERLAY_FILE), "utf8");
        assert.match(overlay, new RegExp(`Agent: ${s.name} \\(${cap}\\)`));
        assert.match(overlay, new RegExp(`Task: ${task}`));
        const terminal = TERMINAL[cap];
        if (terminal)
          assert.ok(overlay.includes(`--from ${s.name} --to ${parent ?? "operator"} ${terminal}`), cap);
        assert.ok(existsSync(join(s.worktree, ".claude", "settings.local.json")));
        const doc = sessionJson(repo, s.name);
        assert.equal(doc.state, "booting");
        assert.equal(doc.capability, cap);
        assert.equal(doc.runtime, "scripted");
        assert.equal(doc.baseBranch, "main");
        assert.equal(doc.parent, parent ?? null);
        assert.equal(doc.depth, parent ? 1 : 0);
        assert.equal(doc.runId, JSON.parse(repo.git("show", "refs/ov/runs/current:current.json")).runId);
        assert.equal(gitIn(s.worktree, "status", "--porcelain"), "", `${cap} worktree clean`);
      }
      const exclude = readFileSync(join(common, "info", "exclude"), "utf8");
      assert.match(exclude, /^\/\.ov\/$/m);
      assert.match(exclude, /^\/\.claude\/settings\.local\.json$/m);
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("keeps overlay and guard files out of the agent's commits", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const { result } = await slingTest(deps, { task: "t1", files: "src/a.ts, src/b.ts" });
      const wt = result.session.worktree;
      gitIn(wt, "commit", "--allow-empty", "-q", "-m", "x");
      gitIn(wt, "add", "-A");
      assert.equal(gitIn(wt, "diff", "--cached", "--name-only"), "");
      const overlay = readFileSync(result.overlayPath, "utf8");
      assert.match(overlay, /- `src\/a\.ts`\n- `src\/b\.ts`/);
    } finally {
      repo.cleanup();
    }
  });

  it("puts the spec from --spec or refs/ov/specs into the overlay", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const { writeSpec } = await import("../../src/agents/spec.js");
      await writeSpec(deps, "t1", "Stored spec body\n", "scout-x");
      const a = await slingTest(deps, { task: "t1" });
      assert.match(readFileSync(a.result.overlayPath, "utf8"), /refs\/ov\/specs:t1\.md\n\nStored spec body/);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(join(repo.dir, "spec.md"), "From a file\n");
      const b = await slingTest(deps, { task: "t2", specPath: "spec.md", cwd: repo.dir });
      assert.match(readFileSync(b.result.overlayPath, "utf8"), /From a file/);
    } finally {
      repo.cleanup();
    }
  });

  it("never reuses a finished agent's name and recovers from its branch", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const first = await slingTest(deps, { task: "t1" });
      gitIn(first.result.session.worktree, "commit", "--allow-empty", "-q", "-m", "work in progress");
      const tip = gitIn(first.result.session.worktree, "rev-parse", "HEAD");
      await tryTransition(deps, "builder-t1", "zombie", { reason: "test" });
      await assert.rejects(
        slingTest(deps, { task: "t1" }),
        /already handled by builder 'builder-t1' \(zombie\).*/,
      );
      const again = await slingTest(deps, { task: "t1", recover: true });
      assert.equal(again.result.session.name, "builder-t1-2");
      assert.equal(again.result.session.baseBranch, "ov/builder-t1/t1");
      assert.equal(repo.git("rev-parse", "ov/builder-t1-2/t1"), tip);
      assert.equal(again.plan.recovers, "builder-t1");
    } finally {
      repo.cleanup();
    }
  });

  it("joins the parent's depth and lets a lead hand its own task down", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "big", capability: "lead" });
      const child = await slingTest(deps, { task: "big", capability: "builder", parent: "lead-big" });
      assert.equal(child.result.session.depth, 1);
      assert.equal(child.result.session.parent, "lead-big");
    } finally {
      repo.cleanup();
    }
  });
});
