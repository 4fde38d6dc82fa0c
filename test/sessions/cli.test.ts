import "../helpers/env.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createGroup } from "../../src/sessions/groups.js";
import { createRun } from "../../src/sessions/runs.js";
import { sessionRef } from "../../src/sessions/session.js";
import { createSession, tryTransition } from "../../src/sessions/store.js";
import { type TempRepo, runOv, tempRepo } from "../helpers/repo.js";
import { pushRaw, sessionFor } from "./fixture.js";

/** Everything git ov could have written: refs/ov and the loose-object count. */
function stateOf(repo: TempRepo): string {
  return `${repo.git("for-each-ref", "refs/ov/")}\n${repo.git("count-objects")}`;
}

describe("sessions CLI (status, agents discover, run, group)", () => {
  let repo: TempRepo;
  let runId: string;
  let bad: string;
  before(async () => {
    repo = tempRepo({ commit: true });
    const deps = await repo.deps();
    runId = (await createRun(deps)).id;
    await createSession(deps, sessionFor("b-1", { runId, task: "t1" }));
    await createSession(deps, sessionFor("z-1", { runId, task: "t2" }));
    await tryTransition(deps, "z-1", "zombie");
    await createSession(deps, sessionFor("bad-1"));
    bad = pushRaw(repo.dir, sessionRef("bad-1"), "session.json", '{"v":1,"state":"dancing"}');
    await createGroup(deps, "twin", ["t1"]);
    await createGroup(deps, "twin", ["t2"]);
  });
  after(() => repo.cleanup());

  it("status lists the good agents, warns about the corrupt one by ref and commit, exits 0 and writes nothing", async () => {
    const before = stateOf(repo);
    const res = await runOv(["status", "--json"], { cwd: repo.dir });
    assert.equal(res.code, 0);
    const out = JSON.parse(res.stdout);
    assert.equal(out.success, true);
    assert.equal(out.currentRunId, runId);
    assert.deepEqual(
      out.agents.map((a: { name: string; state: string }) => `${a.name}:${a.state}`),
      ["b-1:booting", "z-1:zombie"],
    );
    assert.equal(out.problems[0].commit, bad);
    assert.match(res.stderr, new RegExp(`refs/ov/sessions/bad-1@${bad.slice(0, 12)}`));
    const human = await runOv(["status", "--all", "--verbose"], { cwd: repo.dir });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /Mail: 0 unread \(to operator\)/);
    assert.match(human.stdout, /z-1\s+builder\s+zombie/);
    assert.equal(stateOf(repo), before, "status never writes: the zombie stays a zombie");
  });

  it("doctor fails on the corrupt session document", async () => {
    const res = await runOv(["doctor", "--category", "documents"], { cwd: repo.dir });
    assert.equal(res.code, 1);
    assert.match(res.stdout, /FAIL documents\/sessions: refs\/ov\/sessions\/bad-1@/);
    assert.match(res.stdout, /ok {3}documents\/runs/);
  });

  it("agents discover prints NDJSON filtered by state", async () => {
    const res = await runOv(["agents", "discover", "--state", "zombie", "--json"], { cwd: repo.dir });
    assert.equal(res.code, 0);
    const lines = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.agentName),
      ["z-1"],
    );
  });

  it("run shows, lists and completes the current run", async () => {
    const cur = JSON.parse((await runOv(["run", "--json"], { cwd: repo.dir })).stdout);
    assert.deepEqual([cur.command, cur.run.id, cur.run.agentCount], ["run", runId, 2]);
    const list = await runOv(["run", "list", "--json"], { cwd: repo.dir });
    assert.equal(JSON.parse(list.stdout.trim()).id, runId);
    const show = JSON.parse((await runOv(["run", "show", runId, "--json"], { cwd: repo.dir })).stdout);
    assert.equal(show.agents.length, 2);
    const done = JSON.parse((await runOv(["run", "complete", "--json"], { cwd: repo.dir })).stdout);
    assert.deepEqual([done.runId, done.status, done.clearedCurrent], [runId, "completed", true]);
    const none = await runOv(["run"], { cwd: repo.dir });
    assert.equal(none.stdout.trim(), "No active run");
  });

  it("group commands create, report and refuse an ambiguous name", async () => {
    const created = JSON.parse(
      (await runOv(["group", "create", "solo", "t1", "--json"], { cwd: repo.dir })).stdout,
    );
    assert.equal(created.group.name, "solo");
    const status = JSON.parse((await runOv(["group", "status", "solo", "--json"], { cwd: repo.dir })).stdout);
    assert.deepEqual([status.groups[0].progress[0].status, status.closed], ["in_progress", []]);
    const list = await runOv(["group", "list", "--json"], { cwd: repo.dir });
    assert.equal(list.stdout.trim().split("\n").length, 3);
  });

  it("bad input: one-line error, non-zero exit, nothing changed", async () => {
    const cases: [string[], number, RegExp][] = [
      [
        ["group", "status", "twin"],
        1,
        /group name 'twin' is ambiguous: group-\w+, group-\w+ \(use the group id\)/,
      ],
      [["group", "add", "twin", "t9"], 1, /ambiguous/],
      [["group", "create", "x", "t1", "t1"], 1, /duplicate member task: t1/],
      [["run", "show", "run-nope"], 4, /run 'run-nope' not found/],
      [["run", "complete"], 4, /no active run to complete/],
      [["run", "list", "--last", "0"], 2, /--last takes a positive whole number/],
      [["status", "--agent", "Not An Agent"], 2, /invalid --agent 'Not An Agent'/],
      [["agents", "discover", "--capability", "wizard"], 2, /unknown capability 'wizard'/],
    ];
    for (const [args, code, message] of cases) {
      const before = stateOf(repo);
      const res = await runOv(args, { cwd: repo.dir });
      assert.equal(res.code, code, `${args.join(" ")}: ${res.stderr}`);
      assert.match(res.stderr, message);
      assert.equal(
        res.stderr
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("git ov: error")).length,
        1,
      );
      assert.equal(res.stdout, "");
      assert.equal(stateOf(repo), before, `${args.join(" ")} changed nothing`);
    }
  });
});
