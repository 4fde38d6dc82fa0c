import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OvError } from "../../src/core/errors.js";
import { groupProgress, memberStatus, reportGroups } from "../../src/sessions/group-progress.js";
import {
  type TaskGroup,
  addMembers,
  createGroup,
  groupRef,
  listGroups,
  removeMembers,
  resolveGroup,
} from "../../src/sessions/groups.js";
import type { SessionState } from "../../src/sessions/session.js";
import { createSession, tryTransition } from "../../src/sessions/store.js";
import { fsck, tempRepo } from "../helpers/repo.js";
import { sessionFor } from "./fixture.js";

function g(id: string, name: string, status: TaskGroup["status"]): TaskGroup {
  return { v: 1, id, name, members: ["t"], status, createdAt: "2026-01-01T00:00:00.000Z", completedAt: null };
}

describe("sessions/groups", () => {
  it("resolves by id, then a unique name, then the single active group of that name", () => {
    const groups = [
      g("group-a", "rel", "completed"),
      g("group-b", "rel", "active"),
      g("group-c", "solo", "completed"),
      g("group-d", "twin", "active"),
      g("group-e", "twin", "active"),
      g("group-f", "group-a", "active"),
    ];
    assert.equal(resolveGroup(groups, "group-a").id, "group-a", "an exact id beats a name");
    assert.equal(resolveGroup(groups, "solo").id, "group-c");
    assert.equal(resolveGroup(groups, "rel").id, "group-b");
    assert.throws(
      () => resolveGroup(groups, "twin"),
      (e: OvError) => e.code === "GROUP" && e.message.includes("group-d, group-e"),
    );
    assert.throws(
      () => resolveGroup(groups, "nope"),
      (e: OvError) => e.code === "NOT_FOUND",
    );
  });

  it("derives member progress from the sessions on each task", () => {
    const s = (name: string, task: string, state: SessionState) => sessionFor(name, { task, state });
    const sessions = [
      s("a", "t-active", "working"),
      s("b", "t-active", "completed"),
      s("c", "t-done", "completed"),
      s("d", "t-done", "completed"),
      s("e", "t-dead", "zombie"),
      s("f", "t-dead", "completed"),
    ];
    assert.deepEqual(
      ["t-open", "t-active", "t-done", "t-dead"].map((t) => memberStatus(t, sessions).status),
      ["open", "in_progress", "completed", "blocked"],
    );
    const p = groupProgress({ ...g("group-x", "x", "active"), members: ["t-done", "t-open"] }, sessions);
    assert.deepEqual([p.completed, p.total], [1, 2]);
  });

  it("validates create, add and remove, and changes nothing when it refuses", async () => {
    const repo = tempRepo();
    try {
      const deps = await repo.deps();
      const bad: [string, string[], string][] = [
        ["   ", ["t1"], "GROUP"],
        ["rel", [], "GROUP"],
        ["rel", ["t1", "t1"], "GROUP"],
        ["rel", ["bad task"], "INVALID_NAME"],
      ];
      for (const [name, ids, code] of bad) {
        await assert.rejects(createGroup(deps, name, ids), (e: OvError) => e.code === code);
      }
      assert.equal(repo.git("for-each-ref", "refs/ov/groups/"), "");
      const grp = await createGroup(deps, "  rel  ", ["t1", "t2"]);
      assert.equal(grp.name, "rel");
      assert.match(grp.id, /^group-[0-9a-z]{8}$/);
      const tip = repo.git("rev-parse", groupRef(grp.id));
      await assert.rejects(addMembers(deps, "rel", ["t2"]), (e: OvError) => e.code === "GROUP");
      await assert.rejects(removeMembers(deps, "rel", ["t9"]), (e: OvError) => e.code === "GROUP");
      await assert.rejects(removeMembers(deps, "rel", ["t1", "t2"]), (e: OvError) => e.code === "GROUP");
      assert.equal(repo.git("rev-parse", groupRef(grp.id)), tip);
      assert.deepEqual((await removeMembers(deps, grp.id, ["t1"])).members, ["t2"]);
      assert.deepEqual((await addMembers(deps, "rel", ["t3"])).members, ["t2", "t3"]);
      assert.deepEqual(repo.git("log", "--reverse", "--format=%s", groupRef(grp.id)).split("\n"), [
        "group rel: created 'rel' with 2 member(s)",
        "group rel: removed t1",
        "group rel: added t3",
      ]);
    } finally {
      repo.cleanup();
    }
  });

  it("auto-closes a group when every member task completed, mails coordinator once, and re-opens on add", async () => {
    const repo = tempRepo();
    try {
      const deps = await repo.deps();
      const grp = await createGroup(deps, "rel", ["t1", "t2"]);
      await createSession(deps, sessionFor("b-1", { task: "t1" }));
      await createSession(deps, sessionFor("b-2", { task: "t2" }));
      await tryTransition(deps, "b-1", "completed");
      let report = await reportGroups(deps);
      assert.deepEqual(report.closed, []);
      assert.equal(report.groups[0]?.completed, 1);

      await tryTransition(deps, "b-2", "completed");
      report = await reportGroups(deps);
      assert.deepEqual(
        report.closed.map((c) => c.id),
        [grp.id],
      );
      assert.equal(report.groups[0]?.group.status, "completed");
      assert.deepEqual(report.warnings, []);
      const unread = repo.git("ls-tree", "--name-only", "refs/ov/mail/coordinator:unread/").split("\n");
      assert.equal(unread.length, 1);
      const msg = JSON.parse(repo.git("show", `refs/ov/mail/coordinator:unread/${unread[0]}`));
      assert.deepEqual([msg.from, msg.subject, msg.type], ["system", "Group auto-closed: rel", "status"]);

      // Reading again neither re-closes nor re-mails; active-only status no longer shows it.
      assert.deepEqual((await reportGroups(deps, { all: true })).closed, []);
      assert.deepEqual((await reportGroups(deps)).groups, []);
      assert.equal(
        repo.git("ls-tree", "--name-only", "refs/ov/mail/coordinator:unread/").split("\n").length,
        1,
      );

      const reopened = await addMembers(deps, "rel", ["t3"]);
      assert.deepEqual([reopened.status, reopened.completedAt], ["active", null]);
      const { groups } = await listGroups(deps);
      assert.equal(groups[0]?.status, "active");
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });
});
