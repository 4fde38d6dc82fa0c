import "../helpers/env.js";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sendMail } from "../../src/mail/send.js";
import { runOv, tempRepo } from "../helpers/repo.js";

const payload = (tool: string, input: Record<string, unknown>, cwd: string) =>
  JSON.stringify({ session_id: "s", hook_event_name: "PreToolUse", tool_name: tool, tool_input: input, cwd });

describe("git ov guard (PreToolUse contract)", () => {
  const repo = tempRepo({ commit: true });
  const wt = join(repo.dir, ".git", "ov", "worktrees", "b1");
  mkdirSync(wt, { recursive: true });
  const env = (cap: string, extra: Record<string, string> = {}) => ({
    GIT_OV_AGENT: "b1",
    GIT_OV_CAPABILITY: cap,
    GIT_OV_WORKTREE: wt,
    GIT_OV_TASK: "t1",
    ...extra,
  });

  it("allows silently with exit 0", async () => {
    const r = await runOv(["guard"], {
      cwd: wt,
      env: env("builder"),
      input: payload("Write", { file_path: `${wt}/a.ts` }, wt),
    });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, "", ""]);
  });

  it("blocks with exit 2 and one reason line on stderr", async () => {
    const r = await runOv(["guard"], {
      cwd: wt,
      env: env("builder"),
      input: payload("Write", { file_path: "/etc/passwd" }, wt),
    });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^git ov guard: blocked \(path-boundary\): path boundary: \/etc\/passwd is outside your worktree .*\n$/,
    );
  });

  it("fails closed on unreadable input or a broken agent environment", async () => {
    const bad = await runOv(["guard"], { cwd: wt, env: env("scout"), input: "not json" });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /blocked \(bad-input\): guard input is not JSON/);
    const noTool = await runOv(["guard"], { cwd: wt, env: env("scout"), input: "{}" });
    assert.equal(noTool.code, 2);
    const badCap = await runOv(["guard"], { cwd: wt, env: env("wizard"), input: payload("Read", {}, wt) });
    assert.equal(badCap.code, 2);
    assert.match(badCap.stderr, /GIT_OV_CAPABILITY 'wizard' is not a role/);
  });

  it("answers allow explicitly with --answer-allow, and still blocks with exit 2", async () => {
    const ok = await runOv(["guard", "--answer-allow"], {
      cwd: wt,
      env: env("builder"),
      input: payload("Bash", { command: "ls" }, wt),
    });
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).hookSpecificOutput.permissionDecision, "allow");
    const no = await runOv(["guard", "--answer-allow"], {
      cwd: wt,
      env: env("builder"),
      input: payload("Bash", { command: "git push" }, wt),
    });
    assert.deepEqual([no.code, no.stdout], [2, ""]);
  });

  it("lets everything through for a non-agent (no GIT_OV_AGENT)", async () => {
    const r = await runOv(["guard"], {
      cwd: wt,
      env: { GIT_OV_AGENT: "" },
      input: payload("Bash", { command: "git push" }, wt),
    });
    assert.deepEqual([r.code, r.stderr], [0, ""]);
  });

  it("explains a decision as JSON", async () => {
    const r = await runOv(["guard", "--explain"], {
      cwd: wt,
      env: env("reviewer"),
      input: payload("Edit", { file_path: `${wt}/a.ts` }, wt),
    });
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), {
      decision: "block",
      rule: "read-only",
      reason: "reviewer agents cannot modify files: Edit is not allowed",
    });
    const help = await runOv(["guard", "--help"], { cwd: wt });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /PreToolUse/);
  });

  it("gates a lead's worker_done on merge_ready mails in refs/ov/mail", async () => {
    const deps = await repo.deps();
    const lead = { ...env("lead"), GIT_OV_AGENT: "lead-1" };
    const finish = payload(
      "Bash",
      { command: "git ov mail send --to operator --type worker_done --subject done --body b" },
      wt,
    );
    await sendMail(deps, {
      from: "builder-a",
      to: "lead-1",
      subject: "done",
      body: "b",
      type: "worker_done",
      payload: { taskId: "a", branch: "ov/builder-a/a", exitCode: 0, filesModified: ["a.ts"] },
    });
    const blocked = await runOv(["guard"], { cwd: wt, env: lead, input: finish });
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, /lead close gate: you sent 0 merge_ready for 1 worker_done received/);
    await sendMail(deps, {
      from: "lead-1",
      to: "operator",
      subject: "merge_ready: a",
      body: "b",
      type: "merge_ready",
      payload: { branch: "ov/builder-a/a", taskId: "a", agentName: "builder-a", filesModified: ["a.ts"] },
    });
    const allowed = await runOv(["guard"], { cwd: wt, env: lead, input: finish });
    assert.deepEqual([allowed.code, allowed.stderr], [0, ""]);
    repo.cleanup();
  });
});
