// Capture cases a–g: text, Write+commit, resume, hooks, HTTP errors, max-turns, stalls.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../claude-direct.js";
import {
  BYPASS,
  deny,
  gitRepo,
  hookScript,
  lastToolResults,
  named,
  one,
  run,
  sessionOf,
  settings,
  want,
} from "./common.js";
import { execFileSync } from "node:child_process";

export async function captureBasics(): Promise<void> {
  if (want("a") || want("c")) {
    const home = scratchDir("ovh-");
    const cwd = gitRepo();
    const a = await run("a-text", {
      home,
      cwd,
      prompt: "say hi",
      scenario: one([{ text: "Hello from the stub.", usage: { input_tokens: 123, output_tokens: 7 } }]),
    });
    if (want("c"))
      await run(
        "c-resume",
        {
          home,
          cwd,
          prompt: "second question",
          args: ["--resume", sessionOf(a)],
          scenario: one([{ text: "Second answer.", usage: { input_tokens: 50, output_tokens: 3 } }]),
        },
        (r) => {
          const body = JSON.stringify(
            r.requests.filter((q) => q.path === "/v1/messages").at(-1)?.body ?? null,
          );
          return {
            resumedFrom: sessionOf(a),
            sawPreviousPrompt: body.includes("say hi"),
            newSessionId: sessionOf(r),
          };
        },
      );
  }

  if (want("b")) {
    const cwd = gitRepo();
    await run(
      "b-write-commit",
      {
        cwd,
        prompt: "create hello.txt and commit it",
        args: BYPASS,
        scenario: one([
          {
            text: "I'll create the file.",
            tool: "Write",
            input: { file_path: join(cwd, "hello.txt"), content: "hello world\n" },
            usage: { input_tokens: 200, output_tokens: 30 },
          },
          {
            tool: "Bash",
            input: { command: "git add -A && git commit -m x", description: "Commit" },
            usage: { input_tokens: 300, output_tokens: 20 },
          },
          {
            end: true,
            text: "Created hello.txt and committed it.",
            usage: { input_tokens: 400, output_tokens: 10 },
          },
        ]),
      },
      () => ({
        fileExists: existsSync(join(cwd, "hello.txt")),
        gitLog: execFileSync("git", ["-C", cwd, "log", "--format=%s", "--name-only"], { encoding: "utf8" }),
      }),
    );
  }

  if (want("d")) {
    const cwd = gitRepo();
    const tools = scratchDir("ovk-");
    const cap = join(tools, "hook-stdin");
    const exit2 = hookScript(
      tools,
      "exit2.sh",
      `cat > ${cap}.write.json\necho "blocked by ov policy: no writes" >&2\nexit 2`,
    );
    settings(cwd, [
      { matcher: "Write", command: exit2 },
      { matcher: "Bash", command: hookScript(tools, "deny.sh", deny("bash denied by ov policy")) },
    ]);
    await run(
      "d-hook-block",
      {
        cwd,
        prompt: "write blocked.txt then run echo",
        args: [...BYPASS, "--include-hook-events"],
        scenario: one([
          { tool: "Write", input: { file_path: join(cwd, "blocked.txt"), content: "nope\n" } },
          { tool: "Bash", input: { command: "echo should-not-run > ran.txt", description: "echo" } },
          { end: true, text: "Both were blocked." },
        ]),
      },
      (r) => ({
        fileWritten: existsSync(join(cwd, "blocked.txt")),
        bashRan: existsSync(join(cwd, "ran.txt")),
        toolResultsSeenByModel: lastToolResults(r),
        hookStdinWrite: existsSync(`${cap}.write.json`)
          ? (JSON.parse(readFileSync(`${cap}.write.json`, "utf8")) as unknown)
          : null,
      }),
    );
  }

  if (want("d2")) {
    const cwd = gitRepo();
    const tools = scratchDir("ovk-");
    settings(cwd, [
      {
        matcher: "Write",
        command: hookScript(
          tools,
          "legacy.sh",
          `cat >/dev/null\nprintf '%s' '{"decision":"block","reason":"legacy block reason"}'`,
        ),
      },
      {
        matcher: "Bash",
        command: hookScript(tools, "exit1.sh", `cat >/dev/null\necho "exit1 complaint" >&2\nexit 1`),
      },
    ]);
    await run(
      "d2-hook-legacy-and-exit1",
      {
        cwd,
        prompt: "write then bash",
        args: BYPASS,
        scenario: one([
          { tool: "Write", input: { file_path: join(cwd, "blocked.txt"), content: "nope\n" } },
          { tool: "Bash", input: { command: "echo ran > ran.txt", description: "echo" } },
          { end: true, text: "ok" },
        ]),
      },
      (r) => ({
        fileWritten: existsSync(join(cwd, "blocked.txt")),
        bashRan: existsSync(join(cwd, "ran.txt")),
        toolResultsSeenByModel: lastToolResults(r),
      }),
    );
  }

  if (want("d3")) {
    const cwd = gitRepo();
    const script = hookScript(scratchDir("ovk-"), "deny.sh", deny("denied via --settings hook"));
    const flag = JSON.stringify({
      hooks: { PreToolUse: [{ matcher: "Write|Bash", hooks: [{ type: "command", command: script }] }] },
    });
    await run(
      "d3-hook-via-settings-flag",
      {
        cwd,
        prompt: "write",
        args: [...BYPASS, "--settings", flag],
        scenario: one([
          { tool: "Write", input: { file_path: join(cwd, "x.txt"), content: "x" } },
          { end: true, text: "ok" },
        ]),
      },
      (r) => ({ fileWritten: existsSync(join(cwd, "x.txt")), toolResultsSeenByModel: lastToolResults(r) }),
    );
  }

  if (want("e")) {
    for (const status of [500, 400, 529, 429, 401])
      for (const retries of ["0", "2"])
        await run(`e-error-${status}-retries${retries}`, {
          prompt: "hi",
          env: { CLAUDE_CODE_MAX_RETRIES: retries },
          timeoutMs: 120_000,
          scenario: one([{ error: status }]),
        });
  }
  if (named("e-default"))
    for (const status of [500, 529])
      await run(`e-error-${status}-default-retries`, {
        prompt: "hi",
        unsetEnv: ["CLAUDE_CODE_MAX_RETRIES"],
        timeoutMs: 580_000,
        scenario: one([{ error: status }]),
      });

  if (want("f"))
    await run("f-max-turns", {
      prompt: "loop forever",
      args: [...BYPASS, "--max-turns", "2"],
      scenario: one(
        [{ tool: "Bash", input: { command: "echo again", description: "again" } }],
        "repeat-last",
      ),
    });

  if (want("g") && !named("g2") && !named("g3") && !named("g4"))
    await run("g-stall", {
      prompt: "hi",
      env: { API_TIMEOUT_MS: "5000" },
      timeoutMs: 120_000,
      scenario: one([{ stall: true }]),
    });
  if (named("g2"))
    await run("g2-stall-mid-stream", {
      prompt: "hi",
      env: { CLAUDE_STREAM_IDLE_TIMEOUT_MS: "5000", API_TIMEOUT_MS: "5000" },
      timeoutMs: 400_000,
      scenario: one([{ stall: "mid-stream" }]),
    });
  if (named("g3"))
    await run("g3-stall-default-timeouts", {
      prompt: "hi",
      unsetEnv: ["API_TIMEOUT_MS"],
      timeoutMs: 700_000,
      scenario: one([{ stall: true }]),
    });
  if (named("g4"))
    await run("g4-stall-mid-stream-default-timeouts", {
      prompt: "hi",
      unsetEnv: ["API_TIMEOUT_MS"],
      timeoutMs: 700_000,
      scenario: one([{ stall: "mid-stream" }]),
    });
}
