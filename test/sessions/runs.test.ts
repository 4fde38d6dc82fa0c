import "../helpers/env.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OvError } from "../../src/core/errors.js";
import { CURRENT_RUN_REF, readCurrentRunId } from "../../src/sessions/current-run.js";
import { runProblems } from "../../src/sessions/doctor.js";
import {
  completeRun,
  createRun,
  ensureCurrentRun,
  getRun,
  listRuns,
  newRunId,
  runRef,
} from "../../src/sessions/runs.js";
import { createSession } from "../../src/sessions/store.js";
import { ManualClock } from "../../src/sys/clock.js";
import { fsck, tempRepo } from "../helpers/repo.js";
import { pushRaw, sessionFor } from "./fixture.js";

describe("sessions/runs", () => {
  it("names runs like the reference and gives a same-millisecond run a suffix", async () => {
    const repo = tempRepo();
    try {
      const clock = new ManualClock(Date.UTC(2026, 3, 30, 12));
      const deps = await repo.deps({ clock });
      assert.equal(newRunId(clock.now()), "run-2026-04-30T12-00-00-000Z");
      const a = await createRun(deps);
      const b = await createRun(deps, { coordinatorName: "coordinator" });
      assert.deepEqual([a.id, b.id], ["run-2026-04-30T12-00-00-000Z", "run-2026-04-30T12-00-00-000Z-2"]);
      assert.equal(await readCurrentRunId(deps), b.id, "the newest created run is current");
      assert.equal(repo.git("log", "-1", "--format=%s", runRef(b.id)), `run ${b.id}: started by coordinator`);
    } finally {
      repo.cleanup();
    }
  });

  it("ensureCurrentRun creates a run once and then keeps returning it", async () => {
    const repo = tempRepo();
    try {
      const clock = new ManualClock();
      const deps = await repo.deps({ clock });
      const id = await ensureCurrentRun(deps);
      clock.advance(1000);
      assert.equal(await ensureCurrentRun(deps), id);
      assert.equal(repo.git("for-each-ref", "--format=%(refname)", "refs/ov/runs/").split("\n").length, 2);
    } finally {
      repo.cleanup();
    }
  });

  it("completing the current run clears the pointer in the same transaction; the next sling starts a new run", async () => {
    const repo = tempRepo();
    try {
      const clock = new ManualClock();
      const deps = await repo.deps({ clock });
      const id = await ensureCurrentRun(deps);
      clock.advance(60_000);
      const { run, clearedCurrent } = await completeRun(deps, id);
      assert.equal(run.status, "completed");
      assert.equal(run.completedAt, "2026-01-01T00:01:00.000Z");
      assert.equal(clearedCurrent, true);
      assert.equal(await readCurrentRunId(deps), undefined);
      assert.equal(repo.git("show", `${CURRENT_RUN_REF}:current.json`), '{\n  "runId": null,\n  "v": 1\n}');
      assert.equal(
        repo.git("log", "-1", "--format=%s", CURRENT_RUN_REF),
        `run current: none (${id} completed)`,
      );
      clock.advance(1000);
      const next = await ensureCurrentRun(deps);
      assert.notEqual(next, id);
      const again = await completeRun(deps, id, "failed");
      assert.equal(again.run.status, "completed", "a finished run stays as it finished");
      assert.equal(again.clearedCurrent, false);
      assert.equal(await readCurrentRunId(deps), next);
      assert.equal(fsck(repo), "");
    } finally {
      repo.cleanup();
    }
  });

  it("derives agent counts from sessions, lists newest first and filters by status", async () => {
    const repo = tempRepo();
    try {
      const clock = new ManualClock();
      const deps = await repo.deps({ clock });
      const first = await createRun(deps);
      clock.advance(1000);
      const second = await createRun(deps);
      for (const n of ["a-1", "a-2", "a-3"]) await createSession(deps, sessionFor(n, { runId: first.id }));
      await createSession(deps, sessionFor("b-1", { runId: second.id }));
      await completeRun(deps, first.id);
      const { runs } = await listRuns(deps);
      assert.deepEqual(
        runs.map((r) => [r.id, r.agentCount, r.status]),
        [
          [second.id, 1, "active"],
          [first.id, 3, "completed"],
        ],
      );
      assert.deepEqual(
        (await listRuns(deps, { status: "completed" })).runs.map((r) => r.id),
        [first.id],
      );
      assert.equal((await listRuns(deps, { limit: 1 })).runs.length, 1);
      assert.equal((await getRun(deps, first.id))?.agentCount, 3);
      assert.equal(await getRun(deps, "run-nope"), undefined);
    } finally {
      repo.cleanup();
    }
  });

  it("refuses to complete an unknown run and reports a corrupt run or dangling pointer", async () => {
    const repo = tempRepo();
    try {
      const deps = await repo.deps();
      await assert.rejects(completeRun(deps, "run-nope"), (e: OvError) => e.code === "NOT_FOUND");
      const id = await ensureCurrentRun(deps);
      const bad = pushRaw(repo.dir, runRef(id), "run.json", "{not json");
      await assert.rejects(completeRun(deps, id), (e: OvError) => e.code === "INVALID_DOCUMENT");
      assert.equal(repo.git("rev-parse", runRef(id)), bad, "nothing changed");
      const problems = await runProblems(deps);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]?.commit, bad);
      // A broken current run is replaced, not joined.
      const fresh = await ensureCurrentRun(deps);
      assert.notEqual(fresh, id);
      pushRaw(repo.dir, CURRENT_RUN_REF, "current.json", '{"v":1,"runId":"run-gone"}');
      assert.ok((await runProblems(deps)).some((p) => p.problem.includes("run-gone")));
    } finally {
      repo.cleanup();
    }
  });
});
