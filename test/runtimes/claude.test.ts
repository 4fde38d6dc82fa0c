import "../helpers/env.js";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { OvError } from "../../src/core/errors.js";
import type { Session } from "../../src/sessions/session.js";
import { createClaudeRuntime, encodeUserTurn } from "../../src/runtimes/claude.js";
import { RUNTIMES, getRuntime } from "../../src/runtimes/registry.js";
import type { TurnRequest } from "../../src/runtimes/types.js";

const HEADLESS = ["-p", "--output-format", "stream-json", "--input-format", "stream-json", "--verbose"];

function config(values: Record<string, string | number | boolean>): TurnRequest["config"] {
  return { get: (k) => values[k] };
}

function request(
  values: Record<string, string | number | boolean>,
  over: Partial<TurnRequest> = {},
): TurnRequest {
  return {
    session: {} as Session,
    worktree: "/repo/.git/ov/worktrees/builder-1",
    prompt: "do the task",
    resume: null,
    baseEnv: { PATH: "/usr/bin", GIT_OV_AGENT: "builder-1" },
    config: config(values),
    ...over,
  };
}

function rejectsWith(fn: () => unknown, re: RegExp): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof OvError && e.code === "RUNTIME" && re.test(`${e.message} ${e.hint}`),
  );
}

describe("claude runtime: building a turn", () => {
  const user = createClaudeRuntime({ isRoot: () => false });
  const cases: {
    name: string;
    values: Record<string, string | number | boolean>;
    resume?: string;
    args: string[];
  }[] = [
    { name: "defaults", values: {}, args: [...HEADLESS, "--permission-mode", "bypassPermissions"] },
    {
      name: "model and mode from config",
      values: {
        "runtime.claude.model": "claude-sonnet-4-5",
        "runtime.claude.permissionMode": "acceptEdits",
      },
      args: [...HEADLESS, "--permission-mode", "acceptEdits", "--model", "claude-sonnet-4-5"],
    },
    {
      name: "empty model is the CLI default",
      values: { "runtime.claude.model": "" },
      args: [...HEADLESS, "--permission-mode", "bypassPermissions"],
    },
    {
      name: "resume after the first turn",
      values: { "runtime.claude.model": "opus" },
      resume: "dbae358c-7fc2-4fd4-9aa5-eb3c7e1a8d6d",
      args: [
        ...HEADLESS,
        "--permission-mode",
        "bypassPermissions",
        "--model",
        "opus",
        "--resume",
        "dbae358c-7fc2-4fd4-9aa5-eb3c7e1a8d6d",
      ],
    },
    {
      name: "a cap on model calls per turn",
      values: { "runtime.claude.maxTurns": 25 },
      resume: "dbae358c-7fc2-4fd4-9aa5-eb3c7e1a8d6d",
      args: [
        ...HEADLESS,
        "--permission-mode",
        "bypassPermissions",
        "--max-turns",
        "25",
        "--resume",
        "dbae358c-7fc2-4fd4-9aa5-eb3c7e1a8d6d",
      ],
    },
    {
      name: "no cap when maxTurns is 0",
      values: { "runtime.claude.maxTurns": 0 },
      args: [...HEADLESS, "--permission-mode", "bypassPermissions"],
    },
    {
      name: "empty resume id is ignored",
      values: {},
      resume: "",
      args: [...HEADLESS, "--permission-mode", "bypassPermissions"],
    },
  ];
  for (const c of cases) {
    it(`builds argv: ${c.name}`, () => {
      const spec = user.buildTurn(request(c.values, { resume: c.resume ?? null }));
      assert.equal(spec.cmd, "claude");
      assert.deepEqual(spec.args, c.args);
      assert.equal(spec.cwd, "/repo/.git/ov/worktrees/builder-1");
    });
  }

  it("uses runtime.claude.binary as the command", () => {
    assert.equal(
      user.buildTurn(request({ "runtime.claude.binary": "/opt/claude/bin/claude" })).cmd,
      "/opt/claude/bin/claude",
    );
  });

  it("encodes the prompt as one stream-json user line", () => {
    const prompt = 'multi\nline "quoted" ✓';
    const spec = user.buildTurn(request({}, { prompt }));
    assert.equal(spec.stdin, encodeUserTurn(prompt));
    assert.ok(spec.stdin.endsWith("}\n"));
    assert.equal(spec.stdin.split("\n").length, 2);
    assert.deepEqual(JSON.parse(spec.stdin), {
      type: "user",
      message: { role: "user", content: [{ type: "text", text: prompt }] },
    });
  });

  it("passes the base env, drops nesting variables and sets IS_SANDBOX only when configured", () => {
    const baseEnv = {
      PATH: "/bin",
      GIT_OV_AGENT: "b",
      CLAUDECODE: "1",
      CLAUDE_CODE_ENTRYPOINT: "cli",
      IS_SANDBOX: "1",
    };
    const plain = user.buildTurn(request({}, { baseEnv })).env;
    assert.deepEqual(plain, { PATH: "/bin", GIT_OV_AGENT: "b" });
    const sandboxed = user.buildTurn(request({ "runtime.claude.sandbox": true }, { baseEnv })).env;
    assert.deepEqual(sandboxed, { PATH: "/bin", GIT_OV_AGENT: "b", IS_SANDBOX: "1" });
    assert.equal(baseEnv.IS_SANDBOX, "1", "the caller's env is not modified");
  });
});

describe("claude runtime: root and the sandbox choice", () => {
  const root = createClaudeRuntime({ isRoot: () => true });
  it("refuses bypassPermissions as root without the sandbox declaration, naming both ways out", () => {
    rejectsWith(() => root.buildTurn(request({})), /non-root user.*runtime\.claude\.sandbox true/);
  });
  it("allows it as root once the sandbox is declared, and sets IS_SANDBOX", () => {
    assert.equal(root.buildTurn(request({ "runtime.claude.sandbox": true })).env.IS_SANDBOX, "1");
  });
  it("allows other permission modes as root without a sandbox", () => {
    const spec = root.buildTurn(request({ "runtime.claude.permissionMode": "acceptEdits" }));
    assert.equal(spec.env.IS_SANDBOX, undefined);
  });
});

describe("claude runtime: ensureAvailable", () => {
  const dir = mkdtempSync(join(tmpdir(), "ov-claude-bin-"));
  const fake = join(dir, "claude");
  writeFileSync(fake, "#!/bin/sh\nexit 0\n");
  chmodSync(fake, 0o755);
  const user = createClaudeRuntime({ isRoot: () => false });

  it("finds the binary on PATH or by path", async () => {
    await user.ensureAvailable(config({}), { PATH: `/nonexistent:${dir}` });
    await user.ensureAvailable(config({ "runtime.claude.binary": fake }), { PATH: "" });
  });

  it("names the missing binary and the install command", async () => {
    await assert.rejects(
      user.ensureAvailable(config({}), { PATH: "/nonexistent" }),
      (e: unknown) =>
        e instanceof OvError &&
        e.code === "RUNTIME" &&
        /'claude' not found/.test(e.message) &&
        /npm install -g @anthropic-ai\/claude-code/.test(e.hint ?? ""),
    );
    await assert.rejects(
      user.ensureAvailable(config({ "runtime.claude.binary": dir }), { PATH: "" }),
      OvError,
    );
  });

  it("fails the root/sandbox check before any turn is started", async () => {
    const root = createClaudeRuntime({ isRoot: () => true });
    await assert.rejects(root.ensureAvailable(config({}), { PATH: dir }), /outside a sandbox/);
    await root.ensureAvailable(config({ "runtime.claude.sandbox": true }), { PATH: dir });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("runtime registry", () => {
  it("knows claude and scripted", async () => {
    assert.deepEqual([...RUNTIMES], ["claude", "scripted"]);
    for (const name of RUNTIMES) assert.equal(getRuntime(name).name, name);
    await getRuntime("scripted").ensureAvailable(config({}));
  });
  it("rejects an unknown runtime with the list and a suggestion", () => {
    assert.throws(
      () => getRuntime("claud"),
      (e: unknown) =>
        e instanceof OvError &&
        e.code === "RUNTIME" &&
        /did you mean 'claude'/.test(e.message) &&
        /claude, scripted/.test(e.hint ?? ""),
    );
  });
});
