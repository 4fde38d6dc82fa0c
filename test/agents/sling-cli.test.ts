import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoState } from "../helpers/agents.js";
import { runOv, tempRepo } from "../helpers/repo.js";

describe("git ov sling (CLI, scripted runtime)", () => {
  it("slings an agent and reports it as JSON; the deployed guard answers for it", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const r = await runOv(["sling", "t1", "--runtime", "scripted", "--json"], { cwd: repo.dir });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.success, true);
      assert.equal(out.agent, "builder-t1");
      assert.equal(out.state, "booting");
      assert.deepEqual(out.guards, [".claude/settings.local.json"]);
      const settings = JSON.parse(readFileSync(join(out.worktree, ".claude", "settings.local.json"), "utf8"));
      assert.match(settings.hooks.PreToolUse[0].hooks[0].command, / guard \|\| exit 2$/);
      assert.ok(existsSync(out.overlay));
      assert.equal(
        JSON.parse(repo.git("show", "refs/ov/sessions/builder-t1:session.json")).runtime,
        "scripted",
      );
      const human = await runOv(["sling", "t2", "--runtime", "scripted", "--capability", "scout"], {
        cwd: repo.dir,
      });
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^slung scout-t2 \(scout\) on task t2\n/);
      assert.match(human.stdout, /booting: first turn started in the background/);
    } finally {
      repo.cleanup();
    }
  });

  it("lets a lead sling from inside its own worktree, with its spec from refs/ov/specs", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const lead = JSON.parse(
        (
          await runOv(["sling", "big", "--capability", "lead", "--runtime", "scripted", "--json"], {
            cwd: repo.dir,
          })
        ).stdout,
      );
      const env = {
        GIT_OV_AGENT: lead.agent,
        GIT_OV_CAPABILITY: "lead",
        GIT_OV_WORKTREE: lead.worktree,
        GIT_OV_TASK: "big",
      };
      const spec = await runOv(["spec", "write", "big-1", "--body", "Part one."], {
        cwd: lead.worktree,
        env,
      });
      assert.equal(spec.code, 0, spec.stderr);
      const r = await runOv(["sling", "big-1", "--parent", lead.agent, "--runtime", "scripted", "--json"], {
        cwd: lead.worktree,
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      const child = JSON.parse(r.stdout);
      assert.deepEqual(
        [child.agent, child.parent, child.depth, child.baseBranch],
        ["builder-big-1", "lead-big", 1, "main"],
      );
      assert.match(readFileSync(child.overlay, "utf8"), /Part one\./);
      assert.equal(repo.git("worktree", "list").split("\n").length, 3);
    } finally {
      repo.cleanup();
    }
  });

  it("refuses with one line, a non-zero exit and nothing created", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const cases: [string[], number, RegExp][] = [
        [["sling", "t1", "--capability", "wizard"], 2, /unknown capability 'wizard' \(use one of/],
        [["sling", "t1", "--capability", "merger"], 1, /a merger needs a parent/],
        [["sling", "t1", "--depth", "one"], 2, /--depth must be a non-negative integer/],
        [["sling", "t1", "--depth", "9", "--force-hierarchy"], 1, /depth limit exceeded/],
        [["sling", "t1", "--runtime", "nope"], 1, /unknown runtime 'nope'/],
        [["sling", "t1", "--runtime", "scripted", "--base-branch", "gone"], 4, /base branch 'gone'/],
        [["sling", "bad/task", "--runtime", "scripted"], 2, /invalid task id/],
      ];
      for (const [args, code, msg] of cases) {
        const before = repoState(repo);
        const r = await runOv(args, { cwd: repo.dir });
        assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, msg);
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.equal(r.stdout, "");
        assert.equal(repoState(repo), before, args.join(" "));
      }
      const json = await runOv(["sling", "t1", "--capability", "wizard", "--json"], { cwd: repo.dir });
      assert.equal(JSON.parse(json.stdout).error.code, "USAGE");
    } finally {
      repo.cleanup();
    }
  });
});
