import "../helpers/env.js";
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ovDir } from "../../src/git/repo.js";
import { listUnread } from "../../src/turn/mailbox.js";
import { sendMail } from "../../src/mail/send.js";
import { installScript } from "../../src/runtimes/scripted/files.js";
import { readSession } from "../../src/sessions/session.js";
import { createSession } from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import { type TempRepo, fsck, runOv, tempRepo } from "../helpers/repo.js";

describe("git ov turn (scripted runtime)", () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    assert.equal((await runOv(["init"], { cwd: repo.dir })).code, 0);
    deps = await repo.deps();
  });
  after(() => repo.cleanup());

  async function scriptedAgent(name: string, script: unknown): Promise<string> {
    const wt = join(ovDir(deps.repo), "worktrees", name);
    repo.git("worktree", "add", "-q", "-b", `ov/${name}/t1`, wt, "main");
    installScript(ovDir(deps.repo), name, script as never);
    const now = new Date(0).toISOString();
    await createSession(deps, {
      v: 1,
      id: `s-${name}`,
      name,
      capability: "builder",
      task: "t1",
      branch: `ov/${name}/t1`,
      baseBranch: "main",
      worktree: wt,
      runtime: "scripted",
      runtimeSessionId: null,
      parent: "lead-1",
      depth: 1,
      runId: null,
      state: "booting",
      pid: null,
      turns: 0,
      idleSince: null,
      startedAt: now,
      lastActivity: now,
      escalationLevel: 0,
      stalledSince: null,
      reason: null,
    });
    return wt;
  }

  it("delivers mail as a turn: the agent edits, commits with trailers, and goes idle", async () => {
    await scriptedAgent("b1", {
      turns: [[{ write: { path: "a.txt", content: "hello\n" } }, { commit: "add a" }]],
    });
    await sendMail(deps, { from: "lead-1", to: "b1", subject: "go", body: "please add a.txt" });
    const res = await runOv(["turn", "b1", "--json"], { cwd: repo.dir });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { turns: { finalState: string }[] };
    assert.equal(out.turns.length, 1);
    assert.equal(out.turns[0]?.finalState, "working");
    const s = await readSession(deps, "b1");
    assert.ok(s.kind === "ok" && s.value.idleSince !== null && s.value.runtimeSessionId !== null);
    assert.equal(repo.git("show", "ov/b1/t1:a.txt"), "hello");
    assert.match(repo.git("log", "-1", "--format=%(trailers:key=Ov-Agent,valueonly)", "ov/b1/t1"), /b1/);
    assert.equal((await listUnread(deps, "b1")).length, 0);
    assert.equal(fsck(repo), "");
  });

  it("says there is nothing to deliver when the inbox is empty", async () => {
    const res = await runOv(["turn", "b1"], { cwd: repo.dir });
    assert.equal(res.code, 0);
    assert.match(res.stdout, /nothing to deliver/);
  });

  it("refuses an unknown agent with a one-line error", async () => {
    const res = await runOv(["turn", "nobody"], { cwd: repo.dir });
    assert.equal(res.code, 4);
    assert.equal(res.stderr.trim().split("\n").length, 1);
  });

  it("nudges with --wait: a follow-up turn runs and the nudge text reaches the runtime", async () => {
    const res = await runOv(["nudge", "b1", "Status?", "--from", "lead-1", "--wait", "--json"], {
      cwd: repo.dir,
    });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as { delivered: boolean; turns: { finalState: string }[] };
    assert.equal(out.delivered, true);
    assert.equal(out.turns[0]?.finalState, "working");
    assert.match(repo.git("log", "--format=%B", "refs/ov/mail/b1"), /NUDGE from lead-1/);
    assert.match(repo.git("log", "-1", "--format=%s", "refs/ov/mail/b1"), /ack/);
  });

  it("refuses to nudge a completed agent and names the re-dispatch command", async () => {
    const { tryTransition } = await import("../../src/sessions/store.js");
    await tryTransition(deps, "b1", "completed");
    const before = repo.git("rev-parse", "refs/ov/mail/b1");
    const res = await runOv(["nudge", "b1"], { cwd: repo.dir });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /--recover/);
    assert.equal(repo.git("rev-parse", "refs/ov/mail/b1"), before);
  });
});
