import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CAPABILITIES,
  canSpawn,
  canonicalTerminalType,
  isPersistent,
  isReadOnly,
  isTaskScoped,
  isTerminalMail,
  terminalMailTypes,
} from "../../src/agents/capabilities.js";
import { agentEnv } from "../../src/agents/env.js";
import { checkHierarchy, checkLimits, checkTaskLock, resolveDepth } from "../../src/agents/hierarchy.js";
import { renderOverlay } from "../../src/agents/overlay.js";
import { defaultRoleText } from "../../src/agents/roles/index.js";
import type { Capability, Session } from "../../src/sessions/session.js";
import { runOv, tempRepo } from "../helpers/repo.js";

function session(over: Partial<Session>): Session {
  return {
    v: 1,
    id: "s",
    name: "a",
    capability: "builder",
    task: "t",
    branch: "ov/a/t",
    baseBranch: "main",
    worktree: "/w/a",
    runtime: "scripted",
    runtimeSessionId: null,
    parent: null,
    depth: 0,
    runId: null,
    state: "working",
    pid: null,
    turns: 0,
    idleSince: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    lastActivity: "2026-01-01T00:00:00.000Z",
    escalationLevel: 0,
    stalledSince: null,
    reason: null,
    ...over,
  };
}

describe("capabilities", () => {
  it("classifies every role", () => {
    const table = CAPABILITIES.map((c) => [
      c,
      isTaskScoped(c),
      isPersistent(c),
      isReadOnly(c),
      canSpawn(c),
      terminalMailTypes(c).join("|"),
    ]);
    assert.deepEqual(table, [
      ["coordinator", false, true, true, true, ""],
      ["orchestrator", false, true, true, true, ""],
      ["monitor", false, true, true, false, ""],
      ["lead", true, false, true, true, "worker_done|result"],
      ["scout", true, false, true, false, "worker_done|result"],
      ["builder", true, false, false, false, "worker_done|result"],
      ["reviewer", true, false, true, false, "worker_done|result"],
      ["merger", true, false, false, false, "merged|merge_failed"],
    ]);
    assert.equal(isTerminalMail("merger", "worker_done"), false);
    assert.equal(isTerminalMail("merger", "merge_failed"), true);
    assert.equal(canonicalTerminalType("merger"), "merged");
  });

  it("applies the hierarchy: roots, who may spawn whom, force", () => {
    const lead = session({ name: "lead-1", capability: "lead" });
    const ok = (capability: Capability, parent: Session | null, force = false) => {
      try {
        checkHierarchy({ capability, parent, depth: undefined, forceHierarchy: force, runId: null });
        return true;
      } catch {
        return false;
      }
    };
    assert.deepEqual(
      CAPABILITIES.map((c) => ok(c, null)),
      [false, false, false, true, true, true, false, false],
    );
    assert.deepEqual(
      CAPABILITIES.map((c) => ok(c, lead)),
      [false, false, false, false, true, true, true, true],
    );
    assert.equal(ok("lead", session({ capability: "coordinator" })), true);
    assert.equal(ok("scout", session({ capability: "builder" })), false);
    assert.equal(ok("merger", null, true), true);
  });

  it("derives depth from the parent and enforces agents.maxDepth", () => {
    const limits = { maxConcurrent: 25, maxDepth: 2, maxAgentsPerLead: 5, maxSessionsPerRun: 0 };
    const req = (parent: Session | null, depth?: number) => ({
      capability: "builder" as const,
      parent,
      depth,
      forceHierarchy: false,
      runId: null,
    });
    assert.equal(resolveDepth(req(null), limits), 0);
    assert.equal(resolveDepth(req(session({ depth: 1 })), limits), 2);
    assert.throws(
      () => resolveDepth(req(session({ depth: 2 })), limits),
      /depth limit exceeded: depth 3 > agents.maxDepth 2/,
    );
    assert.throws(() => resolveDepth(req(session({ depth: 0 }), 2), limits), /does not match parent/);
  });

  it("enforces concurrency, per-run and per-parent limits, and the task lock", () => {
    const limits = { maxConcurrent: 3, maxDepth: 2, maxAgentsPerLead: 2, maxSessionsPerRun: 3 };
    const lead = session({ name: "lead", capability: "lead", task: "big" });
    const kids = [
      session({ name: "k1", parent: "lead", runId: "r" }),
      session({ name: "k2", parent: "lead", runId: "r" }),
    ];
    const req = {
      capability: "builder" as const,
      parent: lead,
      depth: undefined,
      forceHierarchy: false,
      runId: "r",
    };
    assert.throws(
      () => checkLimits(req, limits, kids, undefined),
      /per-lead limit reached: 'lead' already has 2/,
    );
    assert.doesNotThrow(() => checkLimits(req, limits, kids, 0));
    assert.throws(() => checkLimits(req, limits, [...kids, lead], 9), /concurrency limit reached: 3 active/);
    const finished = [1, 2, 3].map((i) => session({ name: `d${i}`, runId: "r", state: "completed" }));
    assert.throws(
      () => checkLimits(req, { ...limits, maxConcurrent: 9 }, finished, 9),
      /run limit reached: run r already has 3/,
    );
    assert.throws(
      () => checkTaskLock("t", null, [session({ name: "x", task: "t" })]),
      /already being worked on by 'x'/,
    );
    assert.doesNotThrow(() => checkTaskLock("big", lead, [lead]));
    assert.doesNotThrow(() => checkTaskLock("t", null, [session({ task: "t", state: "zombie" })]));
  });
});

describe("role definitions and overlay", () => {
  it("tell each role its commands and terminal mail, in one voice with the code", () => {
    for (const cap of CAPABILITIES) {
      const text = defaultRoleText(cap);
      assert.match(text, /^# [A-Z][a-z]+\n/, cap);
      assert.match(text, /## Ways this role goes wrong/, cap);
      assert.ok(text.includes('git ov mail check --agent "$GIT_OV_AGENT"'), cap);
      const terminal = canonicalTerminalType(cap);
      if (terminal)
        assert.ok(
          text.includes(`--to "$GIT_OV_PARENT" --type ${terminal}`),
          `${cap} finishes with ${terminal}`,
        );
      else assert.ok(!text.includes("--type worker_done"), cap);
      if (canSpawn(cap)) assert.ok(text.includes("git ov sling <subtask>"), cap);
      if (isReadOnly(cap)) assert.ok(!text.includes("git add <files> && git commit"), cap);
    }
    assert.ok(defaultRoleText("lead").includes("--type merge_ready"));
    assert.ok(defaultRoleText("merger").includes("--type merge_failed"));
  });

  it("renders an overlay with the assignment, spec, scope, dispatch limit and concrete commands", () => {
    const s = session({
      name: "lead-x",
      capability: "lead",
      task: "x",
      branch: "ov/lead-x/x",
      parent: "coordinator-1",
      depth: 1,
      runId: "run-1",
    });
    const text = renderOverlay({
      session: s,
      roleText: "# Custom role\n",
      spec: { text: "Do X.", source: "refs/ov/specs:x.md" },
      files: ["a.ts"],
      dispatchMaxAgents: 1,
    });
    for (const part of [
      "- Agent: lead-x (lead)",
      "- Parent: coordinator-1",
      "- Run: run-1",
      "Do X.",
      "- `a.ts`",
      "You have one slot",
      "# Custom role",
      'git ov mail send --from lead-x --to coordinator-1 --type worker_done --subject "Worker done: x"',
    ])
      assert.ok(text.includes(part), part);
  });

  it("builds the agent environment", () => {
    const env = agentEnv(session({ name: "b", task: "t", runId: "r", parent: null, worktree: "/w/b" }), {
      root: "/repo",
      selfBin: "/opt/ov/bin/git-ov",
      path: "/usr/bin:/opt/ov/bin",
    });
    assert.deepEqual(env, {
      GIT_OV_AGENT: "b",
      GIT_OV_TASK: "t",
      GIT_OV_RUN: "r",
      GIT_OV_CAPABILITY: "builder",
      GIT_OV_WORKTREE: "/w/b",
      GIT_OV_ROOT: "/repo",
      GIT_OV_BRANCH: "ov/a/t",
      GIT_OV_PARENT: "operator",
      GIT_OV_DEPTH: "0",
      GIT_OV_OVERLAY: "/w/b/.ov/overlay.md",
      GIT_OV_BIN: "/opt/ov/bin/git-ov",
      PATH: "/opt/ov/bin:/usr/bin",
    });
  });

  it("shows, overrides and resets a role through refs/ov/config", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const shown = await runOv(["agents", "show", "scout", "--json"], { cwd: repo.dir });
      assert.equal(JSON.parse(shown.stdout).source, "default");
      const edit = await runOv(["agents", "edit", "scout"], {
        cwd: repo.dir,
        input: "# Scout\nHouse rules.\n",
      });
      assert.equal(edit.code, 0, edit.stderr);
      assert.equal(repo.git("show", "refs/ov/config:agents/scout.md"), "# Scout\nHouse rules.");
      assert.match(
        repo.git("log", "-1", "--format=%B", "refs/ov/config"),
        /Ov-Op: role-edit\nOv-Role: scout/,
      );
      const after = await runOv(["agents", "show", "scout"], { cwd: repo.dir });
      assert.equal(after.stdout, "# Scout\nHouse rules.\n");
      const reset = await runOv(["agents", "reset", "scout"], { cwd: repo.dir });
      assert.match(reset.stdout, /reset to the shipped definition/);
      const again = await runOv(["agents", "show", "scout", "--json"], { cwd: repo.dir });
      assert.equal(JSON.parse(again.stdout).source, "default");
      const bad = await runOv(["agents", "show", "scuot"], { cwd: repo.dir });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown role 'scuot' \(did you mean 'scout'\?/);
      const empty = await runOv(["agents", "edit", "scout"], { cwd: repo.dir, input: "  \n" });
      assert.equal(empty.code, 2);
    } finally {
      repo.cleanup();
    }
  });
});
