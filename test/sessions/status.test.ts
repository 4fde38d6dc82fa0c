import "../helpers/env.js";
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sendMail } from "../../src/mail/send.js";
import { discoverAgents } from "../../src/sessions/discover.js";
import { createRun } from "../../src/sessions/runs.js";
import { readLoosePath } from "../../src/git/direct.js";
import { listRefs, readAt } from "../../src/sessions/snapshot.js";
import { readStatus } from "../../src/sessions/status.js";
import { createSession, tryTransition } from "../../src/sessions/store.js";
import type { OvError } from "../../src/core/errors.js";
import { tempRepo } from "../helpers/repo.js";
import { pushRaw, sessionFor } from "./fixture.js";

describe("sessions/status", () => {
  it("scopes to the current run plus run-less agents, counts unread mail per inbox, and lists worktrees", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      const old = await createRun(deps);
      const cur = await createRun(deps);
      const wt = join(repo.dir, ".wt-b1");
      repo.git("worktree", "add", "-q", "-b", "ov/b-1/t1", wt);
      await createSession(deps, sessionFor("b-1", { runId: cur.id, worktree: wt }));
      await createSession(deps, sessionFor("b-2", { runId: cur.id, pid: process.pid }));
      await createSession(deps, sessionFor("b-3", { runId: cur.id, pid: 999_999_999 }));
      await createSession(deps, sessionFor("c-1", { capability: "coordinator" }));
      await createSession(deps, sessionFor("o-1", { runId: old.id }));
      await tryTransition(deps, "b-3", "working");
      for (const to of ["b-1", "b-1", "operator"])
        await sendMail(deps, { from: "c-1", to, subject: "s", body: "b" });

      const r = await readStatus(deps, {});
      assert.equal(r.currentRunId, cur.id);
      assert.equal(r.scope, "run");
      assert.deepEqual(r.agents.map((a) => a.name).sort(), ["b-1", "b-2", "b-3", "c-1"]);
      const by = new Map(r.agents.map((a) => [a.name, a]));
      assert.deepEqual(
        ["b-1", "b-2", "b-3"].map((n) => [by.get(n)?.unread, by.get(n)?.alive]),
        [
          [2, true],
          [0, true],
          [0, false],
        ],
        "unread per inbox; spawn-per-turn alive while active, long-lived alive while the pid lives",
      );
      assert.equal(by.get("b-1")?.worktreeExists, true);
      assert.deepEqual([r.unreadMailCount, r.unreadMailScope], [1, "to operator"]);
      assert.deepEqual(r.worktrees, [{ path: wt, branch: "ov/b-1/t1", agent: "b-1" }]);
      assert.equal(r.sessionsRecorded, 5);

      const all = await readStatus(deps, { all: true, verbose: true, mailAgent: "b-1" });
      assert.equal(all.agents.length, 5);
      assert.deepEqual([all.unreadMailCount, all.unreadMailScope], [2, "to b-1"]);
      assert.match(all.agents[0]?.verbose?.logDir ?? "", /ov\/logs\//);
      assert.ok(all.agents.find((a) => a.name === "b-1")?.verbose?.inboxUpdatedAt);
    } finally {
      repo.cleanup();
    }
  });

  it("lists refs without spawning exactly as for-each-ref does, loose, packed and mixed", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      for (const n of ["a-1", "a-2", "a-3"]) await createSession(deps, sessionFor(n));
      await createRun(deps);
      const patterns = ["refs/ov/sessions/", "refs/ov/runs/current", "refs/ov/mail/"];
      const viaGit = () =>
        repo
          .git("for-each-ref", "--format=%(objectname) %(refname)", ...patterns)
          .split("\n")
          .map((l) => ({ oid: l.split(" ")[0], ref: l.split(" ")[1] }));
      assert.deepEqual(await listRefs(deps, patterns), viaGit());
      repo.git("pack-refs", "--all");
      await tryTransition(deps, "a-2", "working"); // a-2 loose again, newer than its packed entry
      const listed = await listRefs(deps, patterns);
      assert.deepEqual(listed, viaGit());
      assert.equal(listed.length, 4);
    } finally {
      repo.cleanup();
    }
  });

  it("reads loose objects in-process and falls back to cat-file once they are packed, with equal results", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      await createSession(deps, sessionFor("p-1"));
      await sendMail(deps, { from: "x", to: "p-1", subject: "s", body: "b" });
      const tip = repo.git("rev-parse", "refs/ov/sessions/p-1");
      const loose = readLoosePath(deps.repo.commonDir, tip, "session.json");
      assert.equal(loose?.body.toString(), repo.git("show", `${tip}:session.json`) + "\n");
      assert.equal(readLoosePath(deps.repo.commonDir, tip, "nope/x.json"), null, "definitely absent");
      const before = await readStatus(deps, { all: true });
      repo.git("gc", "-q");
      assert.equal(readLoosePath(deps.repo.commonDir, tip, "session.json"), undefined, "packed: ask git");
      const fresh = await repo.deps();
      assert.deepEqual((await readAt(fresh, tip, "session.json"))?.body, loose?.body);
      assert.deepEqual(await readStatus(fresh, { all: true }), before);
    } finally {
      repo.cleanup();
    }
  });

  it("reports an unreadable current-run pointer and shows every run instead", async () => {
    const repo = tempRepo();
    try {
      const deps = await repo.deps();
      await createSession(deps, sessionFor("a-1", { runId: "run-x" }));
      const bad = pushRaw(repo.dir, "refs/ov/runs/current", "current.json", "[]");
      const r = await readStatus(deps, {});
      assert.deepEqual([r.currentRunId, r.scope, r.agents.length], [null, "all", 1]);
      assert.equal(r.problems[0]?.commit, bad);
    } finally {
      repo.cleanup();
    }
  });

  it("discovers agents by capability, state and parent; active only unless asked", async () => {
    const repo = tempRepo();
    try {
      const deps = await repo.deps();
      await createSession(deps, sessionFor("lead-1", { capability: "lead" }));
      await createSession(deps, sessionFor("b-1", { parent: "lead-1", depth: 1 }));
      await createSession(deps, sessionFor("b-2", { parent: "lead-1", depth: 1 }));
      await tryTransition(deps, "b-2", "zombie");
      const names = async (f: Parameters<typeof discoverAgents>[1]) =>
        (await discoverAgents(deps, f)).agents.map((a) => a.agentName);
      assert.deepEqual(await names({}), ["b-1", "lead-1"]);
      assert.deepEqual(await names({ capability: "builder" }), ["b-1"]);
      assert.deepEqual(await names({ parent: "lead-1", all: true }), ["b-1", "b-2"]);
      assert.deepEqual(await names({ state: "zombie" }), ["b-2"]);
      await assert.rejects(names({ state: "dancing" }), (e: OvError) => e.code === "USAGE");
    } finally {
      repo.cleanup();
    }
  });
});
