import "../helpers/env.js";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { canonicalJson } from "../../src/core/json.js";
import { getRuntime } from "../../src/runtimes/registry.js";
import { installScript, scriptFileFor } from "../../src/runtimes/scripted/files.js";
import type { Session } from "../../src/sessions/session.js";
import { ROOT, runOv, tempRepo } from "../helpers/repo.js";
import { agentWorktree, kinds, resultOf, scriptedTurn } from "./turn-process.js";

const HAS_MAIL_CLI = (await runOv(["mail", "send", "--help"], { cwd: ROOT })).code === 0;

describe("scripted agent: tools that reach git ov", () => {
  it("mail: sends through the real `git ov mail send`, from the agent, with interpolated fields", {
    skip: HAS_MAIL_CLI ? false : "git ov mail send is not on this branch yet",
  }, async () => {
    const repo = tempRepo({ commit: true });
    try {
      assert.equal((await runOv(["init"], { cwd: repo.dir })).code, 0);
      const { worktree, ovDir } = agentWorktree(repo, "builder-1");
      const payload = { taskId: "task-1", branch: "ov/$GIT_OV_AGENT/task-1", exitCode: 0, filesModified: [] };
      await installScript(ovDir, "builder-1", [
        {
          mail: {
            to: "lead-1",
            type: "worker_done",
            subject: "done: $GIT_OV_AGENT",
            body: "all good",
            payload,
          },
        },
        { say: "sent" },
      ]);
      const t = await scriptedTurn(worktree, "go");
      const result = t.events.find((e) => e.kind === "tool_result");
      assert.equal(result?.kind === "tool_result" && result.isError, false, JSON.stringify(result));
      const files = repo.git("ls-tree", "-r", "--name-only", "refs/ov/mail/lead-1").split("\n");
      const unread = files.filter((f) => f.startsWith("unread/"));
      assert.equal(unread.length, 1);
      const msg = JSON.parse(repo.git("show", `refs/ov/mail/lead-1:${unread[0]}`)) as Record<string, unknown>;
      assert.deepEqual(
        [msg.from, msg.to, msg.type, msg.subject, msg.body, (msg.payload as { branch: string }).branch],
        ["builder-1", "lead-1", "worker_done", "done: builder-1", "all good", "ov/builder-1/task-1"],
      );
    } finally {
      repo.cleanup();
    }
  });

  it("sling: installs the child's script for the child's name and runs `git ov sling` with the parent", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const { worktree, ovDir } = agentWorktree(repo, "lead-1");
      const child = { steps: [{ say: "child of $GIT_OV_PARENT" }] };
      await installScript(ovDir, "lead-1", [
        {
          sling: {
            task: "task-2",
            capability: "builder",
            name: "builder-2",
            script: child,
            files: ["src/a.ts", "src/b.ts"],
          },
        },
      ]);
      const t = await scriptedTurn(worktree, "go", { env: { GIT_OV_AGENT: "lead-1" } });
      assert.equal(readFileSync(scriptFileFor(ovDir, "builder-2"), "utf8"), canonicalJson(child));
      const use = t.events.find((e) => e.kind === "tool_use");
      assert.deepEqual(use?.kind === "tool_use" && use.input, {
        command:
          "git ov sling task-2 --capability builder --name builder-2 --runtime scripted --parent lead-1 --files src/a.ts,src/b.ts",
        description: "git ov",
      });
      assert.equal(resultOf(t.events).isError, false);
    } finally {
      repo.cleanup();
    }
  });

  it("honours the guard hooks deployed for Claude: blocked calls become error results and do nothing", async () => {
    const repo = tempRepo({ commit: true });
    try {
      const { worktree, ovDir } = agentWorktree(repo, "builder-1");
      const guard = join(repo.dir, "guard.cjs");
      writeFileSync(
        guard,
        `const i = JSON.parse(require("fs").readFileSync(0, "utf8"));
         const inside = (p) => p.startsWith(i.cwd + "/");
         if (i.tool_name === "Write" && !inside(i.tool_input.file_path))
           process.stdout.write(JSON.stringify({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: "outside your worktree" } }));
         else if (i.tool_name === "Bash" && /git push/.test(i.tool_input.command)) { console.error("push blocked"); process.exit(2); }`,
      );
      const written = await getRuntime("scripted").deployGuards(worktree, {} as Session, guard);
      assert.deepEqual(written, [".claude/settings.local.json"]);
      const outside = join(repo.dir, "escaped.txt");
      await installScript(ovDir, "builder-1", [
        { write: { path: "inside.txt", content: "ok\n" } },
        { write: { path: outside, content: "no\n" } },
        { run: "git push origin HEAD" },
        { say: "done" },
      ]);
      const t = await scriptedTurn(worktree, "go");
      assert.equal(t.code, 0, t.stderr);
      assert.ok(existsSync(join(worktree, "inside.txt")));
      assert.ok(!existsSync(outside));
      const results = t.events.filter((e) => e.kind === "tool_result");
      assert.deepEqual(
        results.map((r) => [r.isError, r.content.replace(/\[.*\]/s, "[cmd]")]),
        [
          [false, `File created successfully at: ${join(worktree, "inside.txt")}`],
          [true, "PreToolUse:Write hook error: outside your worktree"],
          [true, "PreToolUse:Bash hook error: [cmd]: push blocked\n"],
        ],
      );
      const raw = JSON.parse(t.lines.at(-1)!) as { permission_denials: { tool_name: string }[] };
      assert.deepEqual(
        raw.permission_denials.map((d) => d.tool_name),
        ["Write", "Bash"],
      );
      const human = await scriptedTurn(worktree, "go", {
        env: { GIT_OV_AGENT: "", GIT_OV_SCRIPT: scriptFileFor(ovDir, "builder-1") },
      });
      assert.ok(existsSync(outside), "without GIT_OV_AGENT the guard does not run");
      assert.equal(human.code, 0);
    } finally {
      repo.cleanup();
    }
  });
});

describe("scripted agent: speaks Claude's stream-json", () => {
  it("emits only keys the real Claude CLI emits for the same event kinds", async () => {
    const claude = keyCatalogue(
      readdirSync(join(ROOT, "test", "fixtures", "claude"))
        .filter((f) => f.endsWith(".ndjson"))
        .flatMap((f) => jsonLines(readFileSync(join(ROOT, "test", "fixtures", "claude", f), "utf8"))),
    );
    const repo = tempRepo({ commit: true });
    try {
      const { worktree, ovDir } = agentWorktree(repo, "builder-1");
      await installScript(ovDir, "builder-1", {
        turns: [
          [
            { say: "hi" },
            { write: { path: "a.txt", content: "a" } },
            { run: "false" },
            { commit: "a" },
            { say: "done" },
          ],
          [{ fail: "API Error: 529 overloaded" }],
        ],
      });
      const t1 = await scriptedTurn(worktree, "one");
      const sid = (t1.events[0] as { sessionId: string }).sessionId;
      const t2 = await scriptedTurn(worktree, "two", { resume: sid });
      const t3 = await scriptedTurn(worktree, "three", { resume: "00000000-0000-4000-8000-000000000000" });
      const ours = keyCatalogue(
        [...t1.lines, ...t2.lines, ...t3.lines].map((l) => JSON.parse(l) as Record<string, unknown>),
      );
      assert.deepEqual(
        [...ours.keys()].sort(),
        [
          "assistant",
          "assistant.message",
          "assistant.message.content[text]",
          "assistant.message.content[tool_use]",
          "result/error_during_execution",
          "result/success",
          "result/success.usage",
          "result/error_during_execution.usage",
          "system/init",
          "user",
          "user.message",
          "user.message.content[tool_result]",
        ].sort(),
      );
      for (const [kind, keys] of ours) {
        const known = claude.get(kind);
        assert.ok(known, `Claude never emitted ${kind}`);
        const extra = [...keys].filter((k) => !known.has(k));
        assert.deepEqual(extra, [], `${kind}: keys Claude does not emit`);
      }
      assert.deepEqual(kinds(t2.events), ["init", "text", "result"]);
    } finally {
      repo.cleanup();
    }
  });
});

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** kind → keys seen, for the line, its message, its usage and its content blocks. */
function keyCatalogue(lines: Record<string, unknown>[]): Map<string, Set<string>> {
  const cat = new Map<string, Set<string>>();
  const add = (kind: string, obj: unknown) => {
    if (obj === null || typeof obj !== "object") return;
    const s = cat.get(kind) ?? new Set<string>();
    for (const k of Object.keys(obj)) s.add(k);
    cat.set(kind, s);
  };
  for (const l of lines) {
    const kind =
      l.type === "system" || l.type === "result" ? `${String(l.type)}/${String(l.subtype)}` : String(l.type);
    add(kind, l);
    if (l.type === "result") add(`${kind}.usage`, l.usage);
    const msg = l.message as { content?: unknown } | undefined;
    if (msg && (l.type === "assistant" || l.type === "user")) {
      add(`${kind}.message`, msg);
      if (Array.isArray(msg.content))
        for (const b of msg.content as Record<string, unknown>[])
          add(`${kind}.message.content[${String(b.type)}]`, b);
    }
  }
  return cat;
}
