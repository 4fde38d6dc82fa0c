import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CURRENT_RUN_REF, readCurrentRunId } from "../../src/sessions/current-run.js";
import { RUNS_PREFIX } from "../../src/sessions/runs.js";
import { type SessionState, readSession, sessionRef } from "../../src/sessions/session.js";
import { ALLOWED_FROM, createSession, tryTransition } from "../../src/sessions/store.js";
import type { Deps } from "../../src/store/deps.js";
import { type TempRepo, fsck, tempRepo } from "../helpers/repo.js";
import { sessionFor } from "./fixture.js";
import { type Racer, race, startRacers } from "./racers.js";

type Outcome =
  | { ok: true; prev: SessionState; next: SessionState }
  | { ok: false; reason: string; prev: SessionState; attempted: SessionState };

/** The transitions that landed, oldest first, read back from the commit subjects. */
function landed(repo: TempRepo, agent: string): [SessionState, SessionState][] {
  return repo
    .git("log", "--reverse", "--format=%s", sessionRef(agent))
    .split("\n")
    .map((s) => /: (\w+) -> (\w+)/.exec(s))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as SessionState, m[2] as SessionState]);
}

describe("sessions/races (separate processes)", () => {
  let repo: TempRepo;
  let deps: Deps;
  let racers: Racer[];
  before(async () => {
    repo = tempRepo({ commit: true });
    deps = await repo.deps();
    racers = await startRacers(repo.dir, 8);
  });
  after(async () => {
    await Promise.all(racers.map((r) => r.stop()));
    repo.cleanup();
  });

  it("turn runner, stop and watchdog settling one agent end in a state the matrix allows; losers learn why", async () => {
    for (const round of [1, 2, 3, 4, 5, 6]) {
      const agent = `racer-${round}`;
      await createSession(deps, sessionFor(agent));
      await tryTransition(deps, agent, "working");
      const targets: SessionState[] = ["completed", "zombie", "working"];
      const results = (await race(
        racers,
        targets.map((target) => ({ op: "transition", agent, target })),
      )) as Outcome[];

      const history = landed(repo, agent).slice(1); // drop booting -> working
      const oks = results.filter((r) => r.ok);
      assert.equal(history.length, oks.length, "one commit per landed transition");
      let state: SessionState = "working";
      for (const [from, to] of history) {
        assert.equal(from, state, "each landed transition starts where the previous one ended");
        assert.ok(ALLOWED_FROM[to].includes(from), `${from} -> ${to} is allowed`);
        state = to;
      }
      const doc = await readSession(deps, agent);
      assert.equal(doc.kind === "ok" && doc.value.state, state);
      const seen = new Set<SessionState>(["working", ...history.map(([, to]) => to)]);
      for (const r of results) {
        if (r.ok) continue;
        assert.equal(r.reason, "illegal_transition");
        assert.ok(!ALLOWED_FROM[r.attempted].includes(r.prev), `${r.prev} really blocks ${r.attempted}`);
        assert.ok(seen.has(r.prev), `the blocking state ${r.prev} was actually reached`);
      }
      // completed is sticky: if anyone landed it, it is the final state.
      if (history.some(([, to]) => to === "completed")) assert.equal(state, "completed");
    }
  });

  it("loses no update: 8 processes x 100 activity updates on one agent", async () => {
    await createSession(deps, sessionFor("busy-1"));
    await race(
      racers,
      racers.map(() => ({ op: "updates", agent: "busy-1", count: 100 })),
    );
    const doc = await readSession(deps, "busy-1");
    assert.equal(doc.kind === "ok" && doc.value.turns, 800, "every read-modify-write counted");
    assert.equal(repo.git("rev-list", "--count", sessionRef("busy-1")), "801", "create + 800 commits");
    assert.equal(fsck(repo), "");
  });

  it("concurrent slings asking for a current run end with one run, and all get its id", async () => {
    const results = (await race(
      racers.slice(0, 4),
      racers.slice(0, 4).map(() => ({ op: "ensure-run" })),
    )) as { runId: string }[];
    const ids = new Set(results.map((r) => r.runId));
    assert.equal(ids.size, 1);
    const runRefs = repo
      .git("for-each-ref", "--format=%(refname)", RUNS_PREFIX)
      .split("\n")
      .filter((r) => r !== CURRENT_RUN_REF);
    assert.deepEqual(runRefs, [`${RUNS_PREFIX}${[...ids][0]}`]);
    assert.equal(await readCurrentRunId(deps), [...ids][0]);
  });
});
