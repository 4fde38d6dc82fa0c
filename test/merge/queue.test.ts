import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAgentBranch, branchNameProblem } from "../../src/merge/branch.js";
import { enqueueFromMail } from "../../src/merge/enqueue-mail.js";
import { chooseTarget } from "../../src/merge/plan.js";
import { enqueue, listQueue, updateEntry } from "../../src/merge/queue.js";
import { QUEUE_REF } from "../../src/merge/types.js";
import { fsck, tempRepo } from "../helpers/repo.js";
import { addSession, readyMail } from "./setup.js";

describe("merge/queue", () => {
  it("keeps FIFO order by sequence and does not queue a pending branch twice", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const a = await enqueue(deps, { branch: "ov/a/t1", source: "cli" });
      const b = await enqueue(deps, { branch: "ov/b/t2", source: "cli" });
      const again = await enqueue(deps, { branch: "ov/a/t1", source: "cli" });
      assert.equal(again.created, false);
      assert.equal(again.entry.id, a.entry.id);
      const { entries } = await listQueue(deps);
      assert.deepEqual(
        entries.map((e) => [e.seq, e.branch, e.status]),
        [
          [1, "ov/a/t1", "pending"],
          [2, "ov/b/t2", "pending"],
        ],
      );
      await updateEntry(deps, a.entry.id, (cur) => ({ next: { ...cur, status: "conflict" } }));
      const requeued = await enqueue(deps, { branch: "ov/a/t1", source: "cli" });
      assert.equal(requeued.created, true);
      assert.equal(requeued.entry.seq, 3);
      assert.equal(b.entry.seq, 2);
      assert.match(repo.git("log", "-1", "--format=%(trailers)", QUEUE_REF), /Ov-Op: merge-enqueue/);
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("queues from merge_ready mail with the agent's parent, and ignores what it cannot use", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await addSession(deps, "b1", { parent: "lead-7" });
      const res = await enqueueFromMail(deps, readyMail("b1", { filesModified: ["x.ts"], target: "dev" }));
      assert.equal(res.kind, "enqueued");
      if (res.kind !== "enqueued") return;
      assert.deepEqual(
        [
          res.entry.agent,
          res.entry.task,
          res.entry.parent,
          res.entry.target,
          res.entry.files,
          res.entry.mailId,
        ],
        ["b1", "t", "lead-7", "dev", ["x.ts"], "msg-b1"],
      );
      assert.equal((await enqueueFromMail(deps, readyMail("b1"))).kind, "duplicate");
      assert.equal((await enqueueFromMail(deps, { ...readyMail("b2"), type: "status" })).kind, "ignored");
      assert.equal((await enqueueFromMail(deps, readyMail("b3", { branch: "../../HEAD" }))).kind, "ignored");
      assert.equal((await enqueueFromMail(deps, { ...readyMail("b4"), payload: null })).kind, "ignored");
      assert.equal((await listQueue(deps)).entries.length, 1);
    } finally {
      repo.cleanup();
    }
  });

  it("reports a garbage entry with ref and commit while the good entries stay readable", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await enqueue(deps, { branch: "ov/a/t", source: "cli" });
      await deps.store.update(QUEUE_REF, async (d) => {
        await d.write("entries/00000009-mq-bad.json", "{not json");
        return { write: { subject: "garbage" }, value: null };
      });
      const { entries, problems } = await listQueue(deps);
      assert.equal(entries.length, 1);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!.problem, /not JSON/);
      assert.equal(problems[0]!.commit, repo.git("rev-parse", QUEUE_REF));
    } finally {
      repo.cleanup();
    }
  });
});

describe("merge/plan and branch names", () => {
  it("resolves the target: --into, then the entry, then the session's base branch, then the canonical branch", () => {
    const c = { canonical: "main" };
    assert.deepEqual(chooseTarget({ ...c, into: "x", entryTarget: "y", sessionBase: "z" }).target, "x");
    assert.deepEqual(chooseTarget({ ...c, entryTarget: "y", sessionBase: "z" }).target, "y");
    assert.deepEqual(chooseTarget({ ...c, sessionBase: "z" }), { target: "z", source: "session" });
    assert.deepEqual(chooseTarget(c), { target: "main", source: "project.canonicalBranch" });
  });

  it("parses agent branches and rejects names git would refuse", () => {
    assert.deepEqual(parseAgentBranch("ov/builder-1/task-42"), { agent: "builder-1", task: "task-42" });
    assert.deepEqual(parseAgentBranch("feature/x"), { agent: null, task: null });
    for (const bad of ["../../HEAD", "a..b", "x.lock", "-x", "a b", "a//b", "@", "x@{1}"])
      assert.ok(branchNameProblem(bad), bad);
    assert.equal(branchNameProblem("feature/x.y"), undefined);
  });
});
