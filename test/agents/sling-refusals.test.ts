import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { SlingInput } from "../../src/agents/sling/plan.js";
import { OvError } from "../../src/core/errors.js";
import { createSession } from "../../src/sessions/store.js";
import type { Session } from "../../src/sessions/session.js";
import { tryTransition } from "../../src/sessions/store.js";
import { repoState, slingTest, testRuntime } from "../helpers/agents.js";
import { tempRepo } from "../helpers/repo.js";

type Case = [string, Partial<SlingInput> & { task: string }, string, RegExp, { unavailable?: boolean }?];

/** Refusals against a repo holding lead-auth (depth 0) with one child, and a finished builder-done. */
const CASES: Case[] = [
  ["unknown capability", { task: "x", capability: "wizard" }, "USAGE", /unknown capability 'wizard'/],
  ["invalid task id", { task: "bad task" }, "INVALID_NAME", /invalid task id/],
  ["invalid name", { task: "x", name: "Bad Name" }, "INVALID_NAME", /invalid agent name/],
  ["reviewer at the top", { task: "x", capability: "reviewer" }, "HIERARCHY", /a reviewer needs a parent/],
  ["builder spawning", { task: "x", parent: "builder-auth-1" }, "HIERARCHY", /may not spawn agents/],
  ["lead spawning a lead", { task: "x", capability: "lead", parent: "lead-auth" }, "HIERARCHY", /not a lead/],
  ["missing parent", { task: "x", parent: "ghost" }, "NOT_FOUND", /parent 'ghost' has no session/],
  ["depth mismatch", { task: "x", parent: "lead-auth", depth: 3 }, "HIERARCHY", /--depth 3 does not match/],
  ["depth limit", { task: "x", depth: 3, forceHierarchy: true }, "HIERARCHY", /depth limit exceeded/],
  ["per-lead limit", { task: "x", parent: "lead-auth", maxAgents: 1 }, "AGENT", /per-lead limit reached/],
  ["name in use", { task: "x", name: "lead-auth" }, "ALREADY_EXISTS", /in use \(booting\)/],
  [
    "name with leftovers",
    { task: "done", name: "builder-done", recover: true },
    "ALREADY_EXISTS",
    /still has a branch/,
  ],
  ["stray worktree dir", { task: "x", name: "stray" }, "ALREADY_EXISTS", /still has a worktree/],
  ["task locked", { task: "auth", capability: "scout" }, "AGENT", /already being worked on by 'lead-auth'/],
  ["task finished, no --recover", { task: "done" }, "AGENT", /already handled by builder 'builder-done'/],
  ["base branch missing", { task: "x", baseBranch: "nope" }, "NOT_FOUND", /base branch 'nope'/],
  ["spec file missing", { task: "x", specPath: "no/such.md" }, "NOT_FOUND", /spec file not found/],
  ["runtime not installed", { task: "x" }, "RUNTIME", /not installed/, { unavailable: true }],
];

function codeOf(e: unknown): string {
  return e instanceof OvError ? e.code : `not an OvError: ${String(e)}`;
}

describe("sling refusals", () => {
  it("refuses bad input with a named rule and leaves the repository unchanged", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "auth", capability: "lead" });
      await slingTest(deps, { task: "auth-1", parent: "lead-auth" });
      await slingTest(deps, { task: "done", name: "builder-done" });
      await tryTransition(deps, "builder-done", "completed");
      mkdirSync(join(repo.dir, ".git", "ov", "worktrees", "stray"), { recursive: true });
      for (const [what, input, code, msg, rt] of CASES) {
        const before = repoState(repo);
        const err = await slingTest(deps, input, testRuntime(rt)).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err, `${what}: expected a refusal`);
        assert.equal(codeOf(err), code, `${what}: ${String(err)}`);
        assert.match((err as Error).message, msg, what);
        assert.ok((err as OvError).hint, `${what}: has a hint`);
        assert.equal(repoState(repo), before, `${what}: repository changed`);
      }
    } finally {
      repo.cleanup();
    }
  });

  it("refuses over the concurrency limit and in a repository without commits", async () => {
    const repo = tempRepo({ commit: true });
    const empty = tempRepo();
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "a" });
      repo.git("config", "ov.agents.maxConcurrent", "1");
      const before = repoState(repo);
      await assert.rejects(slingTest(deps, { task: "b" }), /concurrency limit reached: 1 active/);
      assert.equal(repoState(repo), before);
      const e = await empty.deps();
      const emptyBefore = repoState(empty);
      await assert.rejects(slingTest(e, { task: "b" }), /no commits yet/);
      assert.equal(repoState(empty), emptyBefore);
    } finally {
      repo.cleanup();
      empty.cleanup();
    }
  });
});

/**
 * State without info/exclude and runs: exclusion lines name no agent, and a run created for the
 * sling stays current for the next one; both are deliberately kept after a rollback.
 */
function stateSansExclude(repo: ReturnType<typeof tempRepo>): string {
  const [refs, ...rest] = repoState(repo).split("\n--\n").slice(0, 3);
  const kept = refs!.split("\n").filter((l) => !l.startsWith("refs/ov/runs/"));
  return [kept.join("\n"), ...rest].join("\n--\n");
}

describe("sling rollback", () => {
  it("removes worktree and branch when guard deployment fails", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const before = stateSansExclude(repo);
      await assert.rejects(
        slingTest(deps, { task: "t1" }, testRuntime({ failDeploy: true })),
        /guard deployment failed/,
      );
      assert.equal(stateSansExclude(repo), before);
    } finally {
      repo.cleanup();
    }
  });

  it("leaves a racing process's session alone and removes only what it made", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      let raced: Session | undefined;
      const rt = testRuntime({
        onDeploy: async (_wt, session) => {
          raced = { ...session, id: "other-process" };
          await createSession(deps, raced);
        },
      });
      const err = await slingTest(deps, { task: "t1" }, rt).catch((e: unknown) => e);
      assert.equal(codeOf(err), "ALREADY_EXISTS");
      assert.equal(repo.git("for-each-ref", "--format=%(refname)", "refs/heads/ov/"), "");
      assert.equal(repo.git("worktree", "list").split("\n").length, 1);
      assert.equal(
        JSON.parse(repo.git("show", "refs/ov/sessions/builder-t1:session.json")).id,
        "other-process",
      );
      assert.ok(raced);
    } finally {
      repo.cleanup();
    }
  });

  it("deletes the new session, or restores the replaced one, when the first turn fails", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const { sling } = await import("../../src/agents/sling.js");
      const { BIN } = await import("../helpers/repo.js");
      const failing = (input: Partial<SlingInput> & { task: string }) =>
        sling(
          deps,
          { capability: "builder", recover: false, forceHierarchy: false, cwd: repo.dir, ...input },
          {
            resolveRuntime: async () => testRuntime(),
            selfBin: BIN,
            path: process.env.PATH,
            startFirstTurn: async () => {
              throw new OvError("TURN", "runtime crashed at start");
            },
          },
        );
      const before = stateSansExclude(repo);
      await assert.rejects(failing({ task: "t1" }), /runtime crashed at start/);
      assert.equal(stateSansExclude(repo), before);

      await slingTest(deps, { task: "t2", name: "reused" });
      await tryTransition(deps, "reused", "completed");
      const { stopAgent } = await import("../../src/agents/stop.js");
      await stopAgent(deps, "reused", { cleanWorktree: true, force: true });
      const tip = repo.git("rev-parse", "refs/ov/sessions/reused");
      await assert.rejects(failing({ task: "t3", name: "reused" }), /runtime crashed/);
      assert.equal(repo.git("rev-parse", "refs/ov/sessions/reused"), tip);
      assert.ok(!existsSync(JSON.parse(repo.git("show", `${tip}:session.json`)).worktree));
      assert.match(readFileSync(`${repo.dir}/.git/info/exclude`, "utf8"), /\/\.ov\//);
    } finally {
      repo.cleanup();
    }
  });
});
