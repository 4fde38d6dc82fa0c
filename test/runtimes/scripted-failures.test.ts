import "../helpers/env.js";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { installScript } from "../../src/runtimes/scripted/files.js";
import { type TempRepo, tempRepo } from "../helpers/repo.js";
import { agentWorktree, kinds, resultOf, scriptedSpec, scriptedTurn, startTurn } from "./turn-process.js";

// One repo, one worktree per case: each case is an agent of its own with its own script.
describe("scripted agent: failure behaviours for the turn engine", () => {
  let repo: TempRepo;
  before(() => {
    repo = tempRepo({ commit: true });
  });
  after(() => repo.cleanup());

  async function agent(name: string, steps: unknown[]): Promise<string> {
    const { worktree, ovDir } = agentWorktree(repo, name);
    await installScript(ovDir, name, steps);
    return worktree;
  }
  const env = (name: string) => ({ env: { GIT_OV_AGENT: name } });

  it("exit: leaves mid-turn with the code, after what it already printed, with no result", async () => {
    const wt = await agent("exit-1", [{ say: "before" }, { exit: 3 }, { say: "after" }]);
    const t = await scriptedTurn(wt, "go", env("exit-1"));
    assert.equal(t.code, 3);
    assert.deepEqual(kinds(t.events), ["init", "text"]);
  });

  it("garbage: prints a non-JSON line the parser reports as unparsed, and the turn still succeeds", async () => {
    const wt = await agent("garbage-1", [{ garbage: "Traceback (most recent call last):" }, { say: "fine" }]);
    const t = await scriptedTurn(wt, "go", env("garbage-1"));
    assert.equal(t.code, 0);
    assert.deepEqual(kinds(t.events), ["init", "other:unparsed", "text", "result"]);
    assert.ok(t.lines.includes("Traceback (most recent call last):"));
  });

  it("fail: ends the turn like a Claude API error (error text, error result, exit 1), skipping the rest", async () => {
    const wt = await agent("fail-1", [{ fail: "API Error: 500" }, { say: "unreachable" }]);
    const t = await scriptedTurn(wt, "go", env("fail-1"));
    assert.equal(t.code, 1);
    assert.deepEqual(kinds(t.events), ["init", "text", "result"]);
    assert.deepEqual(t.events[1], { kind: "text", text: "API Error: 500", apiError: true });
    const r = resultOf(t.events);
    assert.deepEqual([r.isError, r.subtype, r.terminalReason], [true, "success", "api_error"]);
  });

  it("run with check: a failing command ends the turn with an error result", async () => {
    const wt = await agent("check-1", [
      { run: { command: "echo nope >&2; exit 4", check: true } },
      { say: "unreachable" },
    ]);
    const t = await scriptedTurn(wt, "go", env("check-1"));
    assert.equal(t.code, 1);
    const results = t.events.filter((e) => e.kind === "tool_result");
    assert.deepEqual(
      results.map((e) => [e.isError, e.content]),
      [[true, "Exit code 4\nnope"]],
    );
    assert.equal(resultOf(t.events).isError, true);
  });

  it("hang: prints what came before, then stays alive until SIGTERM", async () => {
    const wt = await agent("hang-1", [{ say: "working" }, "hang"]);
    const run = startTurn(scriptedSpec(wt, "go", env("hang-1")));
    await run.waitFor((e) => e.kind === "text");
    run.child.kill("SIGTERM");
    const done = await run.done;
    assert.deepEqual([done.code, done.signal], [null, "SIGTERM"]);
    assert.deepEqual(kinds(run.events), ["init", "text"]);
  });

  it("hang ignoring SIGTERM: only SIGKILL ends it", async () => {
    const wt = await agent("hang-2", [{ say: "stuck" }, { hang: { ignoreSigterm: true } }]);
    const run = startTurn(scriptedSpec(wt, "go", env("hang-2")));
    await run.waitFor((e) => e.kind === "text");
    run.child.kill("SIGTERM");
    await sleep(300);
    assert.equal(run.child.exitCode, null, "still running after SIGTERM");
    assert.equal(run.child.signalCode, null);
    run.child.kill("SIGKILL");
    assert.equal((await run.done).signal, "SIGKILL");
  });

  it("silent_hang: prints nothing at all (no init) and never exits", async () => {
    const wt = await agent("silent-1", ["silent_hang"]);
    const run = startTurn(scriptedSpec(wt, "go", env("silent-1")));
    await sleep(500);
    assert.equal(run.child.exitCode, null);
    run.child.kill("SIGKILL");
    const done = await run.done;
    assert.equal(done.stdout, "");
    assert.deepEqual(run.events, []);
  });

  it("sleep: waits, then carries on", async () => {
    const wt = await agent("sleep-1", [{ sleep: 20 }, { say: "awake" }]);
    const t = await scriptedTurn(wt, "go", env("sleep-1"));
    assert.equal(resultOf(t.events).text, "awake");
  });
});
