import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stopAgent } from "../../src/agents/stop.js";
import { turnPidPath } from "../../src/agents/turn-kill.js";
import { OvError } from "../../src/core/errors.js";
import { sendMail } from "../../src/mail/send.js";
import { tryTransition } from "../../src/sessions/store.js";
import { pidAlive } from "../../src/sys/process.js";
import { gitIn, sessionJson, slingTest } from "../helpers/agents.js";
import { runOv, tempRepo } from "../helpers/repo.js";

const opts = { cleanWorktree: false, force: false };

describe("git ov stop", () => {
  it("refuses unknown and already-completed agents with the fix", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const unknown = await runOv(["stop", "ghost"], { cwd: repo.dir });
      assert.equal(unknown.code, 4);
      assert.match(unknown.stderr, /no agent named 'ghost' \(git ov status lists the agents\)/);
      await slingTest(deps, { task: "t1" });
      await stopAgent(deps, "builder-t1", opts);
      await assert.rejects(
        stopAgent(deps, "builder-t1", opts),
        (e: unknown) =>
          e instanceof OvError &&
          /already completed/.test(e.message) &&
          /--clean-worktree/.test(e.hint ?? ""),
      );
    } finally {
      repo.cleanup();
    }
  });

  it("kills the in-flight turn's process group and completes the session with CAS", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "t1" });
      // A stand-in turn: a process group leader with a child, as the turn engine starts runtimes.
      const turn = spawn("sh", ["-c", "sleep 60 & wait"], { detached: true, stdio: "ignore" });
      mkdirSync(join(repo.dir, ".git", "ov", "turns"), { recursive: true });
      writeFileSync(turnPidPath(deps, "builder-t1"), `${turn.pid}\n`);
      const exited = new Promise((r) => turn.on("exit", r));
      const r = await stopAgent(deps, "builder-t1", opts);
      await exited;
      assert.equal(r.pidKilled, turn.pid);
      assert.equal(pidAlive(turn.pid!), false);
      assert.equal(existsSync(turnPidPath(deps, "builder-t1")), false);
      assert.equal(sessionJson(repo, "builder-t1").state, "completed");
      assert.match(
        repo.git("log", "-1", "--format=%s", "refs/ov/sessions/builder-t1"),
        /booting -> completed/,
      );
    } finally {
      repo.cleanup();
    }
  });

  it("promotes a zombie to completed", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "t1" });
      await tryTransition(deps, "builder-t1", "zombie");
      const r = await runOv(["stop", "builder-t1", "--json"], { cwd: repo.dir });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.wasZombie, true);
      assert.equal(out.stopped, true);
      assert.equal(sessionJson(repo, "builder-t1").state, "completed");
    } finally {
      repo.cleanup();
    }
  });

  it("tells a stopped lead's parent which merge_ready branches it sent", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await slingTest(deps, { task: "plan", capability: "coordinator", forceHierarchy: true });
      await slingTest(deps, { task: "auth", capability: "lead", parent: "coordinator-plan" });
      for (const b of ["ov/builder-a/a", "ov/builder-b/b"])
        await sendMail(deps, {
          from: "lead-auth",
          to: "coordinator-plan",
          subject: `merge_ready: ${b}`,
          body: b,
          type: "merge_ready",
          payload: { branch: b, taskId: b.split("/")[2]!, agentName: b.split("/")[1]!, filesModified: [] },
        });
      const r = await stopAgent(deps, "lead-auth", opts);
      assert.equal(r.notice?.to, "coordinator-plan");
      assert.match(
        r.notice!.subject,
        /^Lead lead-auth sent 2 merge_ready \(branches: ov\/builder-(a\/a|b\/b), ov\/builder-(a\/a|b\/b)\)$/,
      );
      const inbox = repo
        .git("ls-tree", "--name-only", "refs/ov/mail/coordinator-plan", "unread/")
        .split("\n");
      assert.equal(inbox.length, 3);
      const noMail = await slingTest(deps, { task: "other", capability: "lead", parent: "coordinator-plan" });
      const r2 = await stopAgent(deps, noMail.result.session.name, opts);
      assert.equal(
        r2.notice?.subject,
        "Lead lead-other exited — no merge_ready sent, needs coordinator follow-up",
      );
    } finally {
      repo.cleanup();
    }
  });

  it("with --clean-worktree removes the worktree and a merged branch, keeps unmerged or dirty work", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const a = (await slingTest(deps, { task: "a" })).result.session;
      const ra = await stopAgent(deps, a.name, { cleanWorktree: true, force: false });
      assert.deepEqual([ra.worktreeRemoved, ra.branchDeleted, ra.warnings], [true, true, []]);
      assert.equal(existsSync(a.worktree), false);

      const b = (await slingTest(deps, { task: "b" })).result.session;
      gitIn(b.worktree, "commit", "--allow-empty", "-q", "-m", "unmerged work");
      const rb = await stopAgent(deps, b.name, { cleanWorktree: true, force: false });
      assert.equal(rb.worktreeRemoved, true);
      assert.equal(rb.branchDeleted, false);
      assert.match(rb.warnings[0]!, /branch ov\/builder-b\/b has 1 commit\(s\) not in main; kept/);
      assert.ok(repo.git("rev-parse", "--verify", "ov/builder-b/b"));

      const c = (await slingTest(deps, { task: "c" })).result.session;
      writeFileSync(join(c.worktree, "wip.txt"), "x");
      const rc = await stopAgent(deps, c.name, { cleanWorktree: true, force: false });
      assert.equal(rc.worktreeRemoved, false);
      assert.match(rc.warnings[0]!, /1 uncommitted change\(s\); kept/);
      const forced = await stopAgent(deps, c.name, { cleanWorktree: true, force: true });
      assert.deepEqual([forced.worktreeRemoved, forced.branchDeleted], [true, true]);
    } finally {
      repo.cleanup();
    }
  });
});
