import "../helpers/env.js";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname } from "node:path";
import { describe, it } from "node:test";
import type { Capability } from "../../src/agents/capabilities.js";
import { agentEnv } from "../../src/agents/env.js";
import { SHELL_VARS, roleCommands, terminalCommand } from "../../src/agents/protocol.js";
import type { Session } from "../../src/sessions/session.js";
import { slingTest } from "../helpers/agents.js";
import { BIN, tempRepo } from "../helpers/repo.js";

/** Fills the `<…>` placeholders an agent would replace, then runs the line in the agent's shell. */
function runAsAgent(line: string, s: Session, root: string): string {
  const filled = line
    .replaceAll("<file>", "src/a.ts")
    .replaceAll("<branch>", "ov/builder-x/x")
    .replaceAll("<subtask>", "x")
    .replaceAll("<builder>", "builder-x")
    .replace(/<[^<>]+>/g, "text");
  const env = {
    ...process.env,
    ...agentEnv(s, { root, selfBin: BIN, path: `${dirname(process.execPath)}:${process.env.PATH}` }),
  };
  return execFileSync("sh", ["-c", filled], {
    cwd: s.worktree,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("protocol command lines", () => {
  it("are accepted by the real mail CLI, from the overlay and from the role text alike", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const deps = await repo.deps();
      // A persistent parent: landing mail never starts a turn for it (dispatch skips persistent roles).
      await slingTest(deps, { task: "top", capability: "coordinator", forceHierarchy: true });
      const agents: Record<string, Session> = {};
      for (const cap of ["builder", "scout", "reviewer", "merger"] as Capability[])
        agents[cap] = (
          await slingTest(deps, {
            task: `${cap}-job`,
            capability: cap,
            parent: "coordinator-top",
            forceHierarchy: true,
          })
        ).result.session;
      const lead = (await slingTest(deps, { task: "solo", capability: "lead" })).result.session;
      const concrete = (s: Session) => ({
        me: s.name,
        parent: s.parent ?? "operator",
        task: s.task,
        branch: s.branch,
        shell: false,
      });
      for (const s of Object.values(agents)) {
        runAsAgent(terminalCommand(s.capability, concrete(s))!, s, repo.dir);
        runAsAgent(terminalCommand(s.capability, SHELL_VARS)!, s, repo.dir);
      }
      const pick = (cap: Capability, what: RegExp) =>
        roleCommands(cap, SHELL_VARS).find(([p]) => what.test(p))![1];
      runAsAgent(pick("lead", /merge queue/), lead, repo.dir);
      runAsAgent(pick("merger", /could not complete/), agents.merger!, repo.dir);
      runAsAgent(pick("builder", /blocker/), agents.builder!, repo.dir);
      const types = repo
        .git("log", "--format=%(trailers:key=Ov-Type,valueonly)", "refs/ov/mail/coordinator-top")
        .split("\n")
        .filter((l) => l !== "")
        .sort();
      assert.deepEqual(types, [
        "error",
        "merge_failed",
        "merged",
        "merged",
        "worker_done",
        "worker_done",
        "worker_done",
        "worker_done",
        "worker_done",
        "worker_done",
      ]);
      assert.match(repo.git("log", "-1", "--format=%B", "refs/ov/mail/operator"), /Ov-Type: merge_ready/);
    } finally {
      repo.cleanup();
    }
  });
});
