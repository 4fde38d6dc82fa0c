import "../helpers/env.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CLAUDE_SETTINGS_FILE,
  deployClaudeGuards,
  guardCommand,
} from "../../src/runtimes/claude-settings.js";

const dirs: string[] = [];
function worktree(): string {
  const d = mkdtempSync(join(tmpdir(), "ov-settings-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SELF = "/opt/git ov/bin/git-ov";
const NODE = "/usr/bin/node";
const OURS = {
  matcher: "*",
  hooks: [{ type: "command", command: `[ -z "$GIT_OV_AGENT" ] || ${NODE} '${SELF}' guard || exit 2` }],
};

function settings(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, CLAUDE_SETTINGS_FILE), "utf8")) as Record<string, unknown>;
}

describe("claude guard deployment (.claude/settings.local.json)", () => {
  it("writes one PreToolUse entry matching every tool that runs `git ov guard` for agents only", async () => {
    const dir = worktree();
    assert.deepEqual(await deployClaudeGuards(dir, SELF, NODE), [".claude/settings.local.json"]);
    assert.deepEqual(settings(dir), { hooks: { PreToolUse: [OURS] } });
  });

  it("keeps other keys and the user's hooks, puts ours first, and replaces ours on redeploy", async () => {
    const dir = worktree();
    mkdirSync(join(dir, ".claude"));
    const user = { matcher: "Bash", hooks: [{ type: "command", command: "echo user-hook" }] };
    const post = [{ matcher: "", hooks: [{ type: "command", command: "echo post" }] }];
    writeFileSync(
      join(dir, CLAUDE_SETTINGS_FILE),
      JSON.stringify({
        permissions: { allow: ["Bash(npm test)"] },
        hooks: { PreToolUse: [user], PostToolUse: post },
      }),
    );
    await deployClaudeGuards(dir, "/old/git-ov", NODE);
    await deployClaudeGuards(dir, SELF, NODE);
    assert.deepEqual(settings(dir), {
      permissions: { allow: ["Bash(npm test)"] },
      hooks: { PreToolUse: [OURS, user], PostToolUse: post },
    });
  });

  it("replaces a malformed settings file", async () => {
    const dir = worktree();
    mkdirSync(join(dir, ".claude"));
    writeFileSync(join(dir, CLAUDE_SETTINGS_FILE), "{ not json");
    await deployClaudeGuards(dir, SELF, NODE);
    assert.deepEqual(settings(dir), { hooks: { PreToolUse: [OURS] } });
  });

  it("the command skips non-agents, passes the guard's verdict through, and fails closed", () => {
    const dir = worktree();
    const guard = join(dir, "guard.cjs");
    writeFileSync(
      guard,
      'const i = JSON.parse(require("fs").readFileSync(0, "utf8")); if (i.tool_name === "Crash") process.exit(1); if (i.tool_name === "Write") { console.error("no writes"); process.exit(2); }',
    );
    const run = (tool: string, env: Record<string, string>, bin = guard) =>
      spawnSync("sh", ["-c", guardCommand(bin)], {
        input: JSON.stringify({ tool_name: tool }),
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
      });
    assert.equal(run("Write", {}).status, 0, "no GIT_OV_AGENT: not an agent, no guard");
    assert.equal(run("Read", { GIT_OV_AGENT: "b" }).status, 0);
    const blocked = run("Write", { GIT_OV_AGENT: "b" });
    assert.deepEqual([blocked.status, blocked.stderr.trim()], [2, "no writes"]);
    assert.equal(run("Crash", { GIT_OV_AGENT: "b" }).status, 2, "a crashing guard blocks");
    assert.equal(
      run("Read", { GIT_OV_AGENT: "b" }, join(dir, "missing.js")).status,
      2,
      "a missing guard blocks",
    );
  });
});
