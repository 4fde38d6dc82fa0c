// Capture cases c2, i, k, m, p, r, s, x: session ids, cancelling, partial messages, models,
// permission modes, rate-limit headers, stdin handling, the root refusal.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../claude-direct.js";
import { BYPASS, gitRepo, lastToolResults, one, run, sessionOf, want } from "./common.js";

export async function captureModes(): Promise<void> {
  if (want("c2")) {
    const home = scratchDir("ovh-");
    const sid = "11111111-2222-4333-8444-555555555555";
    const a = await run("c2-session-id", {
      home,
      cwd: gitRepo(),
      prompt: "remember 42",
      args: ["--session-id", sid],
      scenario: one([{ text: "ok 42" }]),
    });
    await run(
      "c2-resume-other-cwd",
      {
        home,
        cwd: gitRepo(),
        prompt: "what number?",
        args: ["--resume", sessionOf(a)],
        scenario: one([{ text: "42" }]),
      },
      (r) => ({ sawPrevious: JSON.stringify(r.requests.at(-1)?.body ?? null).includes("remember 42") }),
    );
    await run("c2-resume-unknown", {
      home,
      cwd: gitRepo(),
      prompt: "x",
      args: ["--resume", "99999999-2222-4333-8444-555555555555"],
      scenario: one([{ text: "never" }]),
    });
  }

  if (want("i")) {
    for (const sig of ["SIGTERM", "SIGINT"] as const)
      await run(`i-${sig.toLowerCase()}-during-stall`, {
        prompt: "hi",
        timeoutMs: 30_000,
        closeStdinAfterMs: 60_000,
        scenario: one([{ stall: true }]),
        onSpawn: (c) => {
          setTimeout(() => c.kill(sig), 3000);
        },
      });
    const interrupt = { type: "control_request", request_id: "int-1", request: { subtype: "interrupt" } };
    await run("i-control-interrupt", {
      prompt: "hi",
      timeoutMs: 30_000,
      closeStdinAfterMs: 5000,
      scenario: one([{ stall: true }]),
      onSpawn: (c) => {
        setTimeout(() => c.stdin.write(`${JSON.stringify(interrupt)}\n`), 3000);
      },
    });
  }

  if (want("k")) {
    const cwd = gitRepo();
    const write = (f: string, content: string) => ({
      name: "Write",
      input: { file_path: join(cwd, f), content },
    });
    await run(
      "k-partial-and-replay",
      {
        cwd,
        prompt: "two files",
        args: [...BYPASS, "--include-partial-messages", "--replay-user-messages"],
        scenario: one([
          { text: "Writing two files.", tools: [write("one.txt", "1\n"), write("two.txt", "2\n")] },
          { end: true, text: "Both written." },
        ]),
      },
      (r) => ({
        both: existsSync(join(cwd, "one.txt")) && existsSync(join(cwd, "two.txt")),
        toolResultsSeenByModel: lastToolResults(r),
      }),
    );
  }

  if (want("m")) {
    const models = (r: { requests: { path: string; body: unknown }[] }) => ({
      requestModels: r.requests
        .filter((q) => q.path === "/v1/messages")
        .map((q) => (q.body as { model?: unknown }).model),
    });
    const hello = one([{ text: "hello" }]);
    await run("m-model", { prompt: "hi", args: ["--model", "stub-model-x"], scenario: hello }, models);
    await run("m-model-alias", { prompt: "hi", args: ["--model", "sonnet"], scenario: hello }, models);
  }

  if (want("p")) await capturePermissionModes();

  if (want("r")) {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    await run("r-ratelimit-headers", {
      prompt: "hi",
      scenario: {
        ...one([{ text: "hello" }]),
        responseHeaders: {
          "anthropic-ratelimit-unified-status": "allowed_warning",
          "anthropic-ratelimit-unified-reset": reset,
          "anthropic-ratelimit-unified-representative-claim": "five_hour",
          "anthropic-ratelimit-unified-5h-utilization": "0.93",
          "anthropic-ratelimit-unified-5h-reset": reset,
          "anthropic-ratelimit-unified-5h-status": "allowed_warning",
        },
      },
    });
  }

  if (want("s")) {
    await run("s-stdin-open", { prompt: "hi", closeStdinAfterMs: 6000, scenario: one([{ text: "hello" }]) });
    await run("s-two-prompts", {
      stdinLines: [
        JSON.stringify({ type: "user", message: { role: "user", content: "first" } }),
        JSON.stringify({
          type: "user",
          message: { role: "user", content: [{ type: "text", text: "second" }] },
        }),
      ],
      scenario: {
        conversations: [
          { match: "second", steps: [{ text: "answer two" }] },
          { steps: [{ text: "answer one" }] },
        ],
      },
    });
  }

  if (want("x")) {
    const never = one([{ text: "never" }]);
    const refused = { prompt: "hi", unsetEnv: ["IS_SANDBOX"], scenario: never };
    await run("x-root-bypass-refused", { ...refused, args: BYPASS });
    await run("x-root-dangerously-skip-refused", { ...refused, args: ["--dangerously-skip-permissions"] });
  }
}

/** p: Write + Bash(git) + Bash(other) under each permission mode, without the bypass. */
async function capturePermissionModes(): Promise<void> {
  const variants: [string, string[]][] = [
    ["p-default", []],
    ["p-mode-default", ["--permission-mode", "default"]],
    ["p-acceptEdits", ["--permission-mode", "acceptEdits"]],
    [
      "p-acceptEdits-allowedTools",
      ["--permission-mode", "acceptEdits", "--allowedTools", "Bash(git add:*) Bash(git commit:*)"],
    ],
    ["p-default-allowedTools", ["--allowedTools", "Write,Bash(git:*)"]],
    ["p-dontAsk", ["--permission-mode", "dontAsk"]],
    ["p-manual", ["--permission-mode", "manual"]],
    ["p-dangerously-skip", ["--dangerously-skip-permissions"]],
  ];
  for (const [name, args] of variants) {
    if (!want(name)) continue;
    const cwd = gitRepo();
    await run(
      name,
      {
        cwd,
        prompt: "write, commit, then touch",
        args,
        scenario: one([
          { tool: "Write", input: { file_path: join(cwd, "hello.txt"), content: "hi\n" } },
          {
            tool: "Bash",
            input: { command: "git add hello.txt && git commit -q -m x", description: "commit" },
          },
          { tool: "Bash", input: { command: "touch other.txt", description: "touch" } },
          { end: true, text: "done" },
        ]),
      },
      (r) => ({
        wrote: existsSync(join(cwd, "hello.txt")),
        touched: existsSync(join(cwd, "other.txt")),
        committed: execFileSync("git", ["-C", cwd, "log", "--oneline", "--all"], { encoding: "utf8" }).trim(),
        toolResults: lastToolResults(r),
        permissionDenials: r.events.find((e) => e.type === "result")?.permission_denials,
        initPermissionMode: r.events.find((e) => e.type === "system")?.permissionMode,
      }),
    );
  }
}
