import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OvError } from "../../src/core/errors.js";
import { SESSION_STATES, type SessionState, readSession, sessionRef } from "../../src/sessions/session.js";
import {
  ALLOWED_FROM,
  createSession,
  recordActivity,
  transitionError,
  tryTransition,
  updateSession,
} from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { pushRaw, sessionFor } from "./fixture.js";

/** The reference matrix (spec §2.2), written out independently of ALLOWED_FROM: [from, to, lands]. */
const EXPECTED: Record<SessionState, Record<SessionState, boolean>> = {
  booting: { booting: false, working: true, stalled: true, completed: true, zombie: true },
  working: { booting: false, working: true, stalled: true, completed: true, zombie: true },
  stalled: { booting: false, working: true, stalled: true, completed: true, zombie: true },
  completed: { booting: false, working: false, stalled: false, completed: true, zombie: false },
  zombie: { booting: false, working: false, stalled: false, completed: true, zombie: true },
};

/** Puts a fresh agent in `state` (through legal transitions only). */
async function agentIn(deps: Deps, name: string, state: SessionState): Promise<void> {
  await createSession(deps, sessionFor(name, { pid: 4242, idleSince: "2026-01-01T00:00:00.000Z", turns: 3 }));
  if (state !== "booting") assert.equal((await tryTransition(deps, name, state)).ok, true);
}

describe("sessions/transitions", () => {
  let repo: TempRepo;
  let deps: Deps;
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
  });
  after(() => repo.cleanup());

  for (const from of SESSION_STATES) {
    for (const to of SESSION_STATES) {
      const lands = EXPECTED[from][to];
      it(`${from} -> ${to} ${lands ? "lands" : "is refused with prev"}`, async () => {
        const name = `m-${from}-${to}`;
        await agentIn(deps, name, from);
        const tipBefore = repo.git("rev-parse", sessionRef(name));
        const res = await tryTransition(deps, name, to, { reason: "table" });
        assert.equal(ALLOWED_FROM[to].includes(from), lands, "ALLOWED_FROM agrees with the reference table");
        const doc = await readSession(deps, name);
        assert.equal(doc.kind, "ok");
        if (doc.kind !== "ok") return;
        if (lands) {
          assert.deepEqual(
            { ok: res.ok, prev: res.ok && res.prev, next: res.ok && res.next },
            { ok: true, prev: from, next: to },
          );
          assert.equal(doc.value.state, to);
          const terminal = to === "completed" || to === "zombie";
          assert.equal(
            doc.value.pid,
            terminal ? null : 4242,
            "terminal states clear the pid, others keep it",
          );
          assert.equal(doc.value.idleSince === null, terminal);
          assert.equal(
            repo.git("log", "-1", "--format=%s", sessionRef(name)),
            `session ${name}: ${from} -> ${to} (turn 3)`,
          );
        } else {
          assert.deepEqual(res, { ok: false, reason: "illegal_transition", prev: from, attempted: to });
          assert.equal(
            repo.git("rev-parse", sessionRef(name)),
            tipBefore,
            "a refused transition writes nothing",
          );
          assert.equal(doc.value.pid, from === "completed" || from === "zombie" ? null : 4242);
        }
      });
    }
  }

  it("reports not_found for an unknown agent and for a name that cannot be an agent", async () => {
    assert.deepEqual(await tryTransition(deps, "nobody", "working"), {
      ok: false,
      reason: "not_found",
      attempted: "working",
    });
    assert.deepEqual(await tryTransition(deps, "../x", "working"), {
      ok: false,
      reason: "not_found",
      attempted: "working",
    });
    const err = transitionError("nobody", { ok: false, reason: "not_found", attempted: "working" });
    assert.equal(err.code, "NOT_FOUND");
  });

  it("turns a refusal into a one-line ILLEGAL_TRANSITION error naming both states", () => {
    const err = transitionError("b-1", {
      ok: false,
      reason: "illegal_transition",
      prev: "completed",
      attempted: "working",
    });
    assert.equal(err.code, "ILLEGAL_TRANSITION");
    assert.match(err.message, /'b-1' is completed; it cannot become working/);
  });

  it("refuses a duplicate create and changes nothing; re-creates a terminal name only when asked", async () => {
    await createSession(deps, sessionFor("dup-1"));
    const tip = repo.git("rev-parse", sessionRef("dup-1"));
    await assert.rejects(
      createSession(deps, sessionFor("dup-1")),
      (e: OvError) => e.code === "ALREADY_EXISTS",
    );
    await assert.rejects(
      createSession(deps, sessionFor("dup-1"), { replaceTerminal: true }),
      (e: OvError) => e.code === "ALREADY_EXISTS",
    );
    assert.equal(repo.git("rev-parse", sessionRef("dup-1")), tip);
    await tryTransition(deps, "dup-1", "completed");
    await createSession(deps, sessionFor("dup-1", { task: "second" }), { replaceTerminal: true });
    const doc = await readSession(deps, "dup-1");
    assert.equal(doc.kind === "ok" && `${doc.value.state}/${doc.value.task}`, "booting/second");
    assert.equal(
      repo.git("log", "-1", "--format=%s", sessionRef("dup-1")),
      "session dup-1: completed -> booting (re-created)",
    );
  });

  it("rejects invalid names and invalid fields before writing", async () => {
    await assert.rejects(
      createSession(deps, sessionFor("Bad Name")),
      (e: OvError) => e.code === "INVALID_NAME",
    );
    await assert.rejects(
      createSession(deps, sessionFor("nan-1", { depth: Number.NaN })),
      (e: OvError) => e.code === "SESSION",
    );
    assert.equal(repo.git("for-each-ref", sessionRef("nan-1")), "");
  });

  it("updates fields without touching state, name or version, and writes nothing when fn returns undefined", async () => {
    await createSession(deps, sessionFor("upd-1"));
    const sneaky = { turns: 5, state: "completed", name: "other" } as unknown as { turns: number };
    const next = await updateSession(deps, "upd-1", () => sneaky, "turn 5 started");
    assert.equal(next?.state, "booting");
    assert.equal(next?.name, "upd-1");
    const tip = repo.git("rev-parse", sessionRef("upd-1"));
    await updateSession(deps, "upd-1", () => undefined, "nothing");
    assert.equal(repo.git("rev-parse", sessionRef("upd-1")), tip);
    await assert.rejects(
      updateSession(deps, "ghost", () => ({ turns: 1 }), "x"),
      (e: OvError) => e.code === "NOT_FOUND",
    );
  });

  it("records activity: booting becomes working in one commit; a terminal agent is not revived", async () => {
    await createSession(deps, sessionFor("act-1"));
    const s = await recordActivity(deps, "act-1", "post-commit");
    assert.equal(s.state, "working");
    assert.equal(
      repo.git("log", "-1", "--format=%s", sessionRef("act-1")),
      "session act-1: booting -> working (post-commit)",
    );
    await tryTransition(deps, "act-1", "zombie");
    const tip = repo.git("rev-parse", sessionRef("act-1"));
    assert.equal((await recordActivity(deps, "act-1")).state, "zombie");
    assert.equal(repo.git("rev-parse", sessionRef("act-1")), tip);
  });

  it("refuses to act on a corrupt session document and leaves it as it was", async () => {
    await createSession(deps, sessionFor("bad-1"));
    const bad = pushRaw(
      repo.dir,
      sessionRef("bad-1"),
      "session.json",
      '{"v":1,"name":"bad-1","state":"dancing"}',
    );
    const read = await readSession(deps, "bad-1");
    assert.equal(read.kind, "invalid");
    for (const act of [
      () => tryTransition(deps, "bad-1", "completed"),
      () => updateSession(deps, "bad-1", () => ({ turns: 1 }), "x"),
      () => createSession(deps, sessionFor("bad-1"), { replaceTerminal: true }),
    ]) {
      await assert.rejects(
        act(),
        (e: OvError) => e.code === "INVALID_DOCUMENT" && e.message.includes(bad.slice(0, 12)),
      );
    }
    assert.equal(repo.git("rev-parse", sessionRef("bad-1")), bad);
  });

  it("treats a session stored under another agent's ref as invalid", async () => {
    await createSession(deps, sessionFor("real-1"));
    const doc = JSON.stringify(sessionFor("real-1"));
    pushRaw(repo.dir, sessionRef("alias-1"), "session.json", doc);
    const read = await readSession(deps, "alias-1");
    assert.equal(
      read.kind === "invalid" && read.problem.problem,
      "$.name is 'real-1' but the ref names agent 'alias-1'",
    );
    assert.equal((await tryTransition(deps, "real-1", "working")).ok, true);
  });

  it("reads as the agent's life in git log", async () => {
    await createSession(deps, sessionFor("life-1"));
    await tryTransition(deps, "life-1", "working");
    await updateSession(deps, "life-1", (s) => ({ turns: s.turns + 1 }), "turn 1 started");
    await tryTransition(deps, "life-1", "completed", { reason: "worker_done sent" });
    const log = repo.git("log", "--reverse", "--format=%s", sessionRef("life-1")).split("\n");
    assert.deepEqual(log, [
      "session life-1: created (booting)",
      "session life-1: booting -> working",
      "session life-1: turn 1 started",
      "session life-1: working -> completed (turn 1)",
    ]);
    const trailers = repo.git("log", "-1", "--format=%(trailers:only,unfold)", sessionRef("life-1"));
    assert.match(trailers, /Ov-From-State: working/);
    assert.match(trailers, /Ov-State: completed/);
    assert.equal(fsck(repo), "");
  });
});
