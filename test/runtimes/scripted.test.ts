import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { installScript, sessionFile } from "../../src/runtimes/scripted/files.js";
import { tempRepo } from "../helpers/repo.js";
import { agentWorktree, kinds, resultOf, scriptedSpec, scriptedTurn, startTurn } from "./turn-process.js";

describe("scripted agent: turns and resume", () => {
  it("runs turn 1, then turn 2 on --resume with the same session id, then idles", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const { worktree, ovDir } = agentWorktree(repo, "builder-1");
      await installScript(ovDir, "builder-1", {
        turns: [
          [
            { say: "starting $GIT_OV_AGENT" },
            { write: { path: "src/$GIT_OV_AGENT.txt", content: "hello from ${GIT_OV_AGENT}\n" } },
            { edit: { path: "src/builder-1.txt", find: "hello", replace: "hi" } },
            { run: "test -f src/builder-1.txt && echo turn $GIT_OV_SCRIPTED_TURN" },
            { commit: "builder-1: add file" },
            { say: "turn one done" },
          ],
          [{ write: { path: "second.txt", content: "2\n" } }, { commit: "second" }, { say: "turn two done" }],
        ],
        usage: { inputTokens: 11, outputTokens: 22 },
        costUsd: 0.25,
      });

      const t1 = await scriptedTurn(worktree, "task one");
      assert.equal(t1.code, 0, t1.stderr);
      assert.deepEqual(kinds(t1.events), [
        "init",
        "text",
        ...["tool_use", "tool_result"],
        ...["tool_use", "tool_result"],
        ...["tool_use", "tool_result"],
        ...["tool_use", "tool_result"],
        "text",
        "result",
      ]);
      const init = t1.events[0]!;
      assert.ok(init.kind === "init");
      const r1 = resultOf(t1.events);
      assert.deepEqual(
        [
          r1.isError,
          r1.subtype,
          r1.text,
          r1.sessionId,
          r1.costUsd,
          r1.usage?.inputTokens,
          r1.usage?.outputTokens,
        ],
        [false, "success", "turn one done", init.sessionId, 0.25, 11, 22],
      );
      const run = t1.events.filter((e) => e.kind === "tool_result")[2];
      assert.deepEqual(run, {
        kind: "tool_result",
        toolUseId: (run as { toolUseId: string }).toolUseId,
        isError: false,
        content: "turn 1",
      });
      assert.equal(git(worktree, "show", "HEAD:src/builder-1.txt"), "hi from builder-1");
      assert.equal(git(worktree, "log", "-1", "--format=%s"), "builder-1: add file");

      const t2 = await scriptedTurn(worktree, "mail batch", { resume: init.sessionId });
      assert.equal(t2.code, 0, t2.stderr);
      const init2 = t2.events[0]!;
      assert.ok(init2.kind === "init");
      assert.equal(init2.sessionId, init.sessionId);
      const r2 = resultOf(t2.events);
      assert.deepEqual([r2.text, r2.costUsd, r2.sessionCostUsd], ["turn two done", 0.25, 0.5]);
      assert.equal(git(worktree, "log", "-1", "--format=%s"), "second");

      const t3 = await scriptedTurn(worktree, "nudge", { resume: init.sessionId });
      assert.equal(t3.code, 0);
      assert.deepEqual(kinds(t3.events), ["init", "result"]);
      const state = JSON.parse(readFileSync(sessionFile(ovDir, init.sessionId), "utf8")) as {
        prompts: string[];
      };
      assert.deepEqual(state.prompts, ["task one", "mail batch", "nudge"]);
    } finally {
      repo.cleanup();
    }
  });

  it("answers an unknown --resume id like Claude: one error result, exit 1", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const { worktree, ovDir } = agentWorktree(repo, "builder-1");
      await installScript(ovDir, "builder-1", [{ say: "never" }]);
      const id = "99999999-2222-4333-8444-555555555555";
      const t = await scriptedTurn(worktree, "x", { resume: id });
      assert.equal(t.code, 1);
      assert.deepEqual(kinds(t.events), ["result"]);
      const r = resultOf(t.events);
      assert.deepEqual(
        [r.isError, r.subtype, r.errors],
        [true, "error_during_execution", [`No conversation found with session ID: ${id}`]],
      );
    } finally {
      repo.cleanup();
    }
  });

  it("answers each user line on stdin with the next turn, and pins GIT_OV_SCRIPT for later turns", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const { worktree } = agentWorktree(repo, "builder-1");
      const path = join(repo.dir, "script.json");
      writeFileSync(
        path,
        JSON.stringify({ turns: [[{ say: "one" }], [{ say: "two" }], [{ say: "three" }]] }),
      );
      const spec = scriptedSpec(worktree, "first", { env: { GIT_OV_SCRIPT: path } });
      const run = startTurn({ ...spec, stdin: spec.stdin + spec.stdin });
      const done = await run.done;
      assert.equal(done.code, 0);
      assert.deepEqual(kinds(run.events), ["init", "text", "result", "init", "text", "result"]);
      const sid = (run.events[0] as { sessionId: string }).sessionId;
      const later = await scriptedTurn(worktree, "third", { resume: sid });
      assert.equal(resultOf(later.events).text, "three");
    } finally {
      repo.cleanup();
    }
  });

  it("fails the turn with a result naming both ways to give a script when there is none", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const { worktree } = agentWorktree(repo, "builder-1");
      const t = await scriptedTurn(worktree, "x");
      assert.equal(t.code, 1);
      const r = resultOf(t.events);
      assert.equal(r.isError, true);
      assert.match(r.errors?.[0] ?? "", /GIT_OV_SCRIPT.*ov\/scripts\/builder-1\.json/);
    } finally {
      repo.cleanup();
    }
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
}
