// Shared helpers of the capture script (main.ts): run a case, write its .ndjson and .meta.json.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../helpers/repo.js";
import { type DirectResult, type DirectRun, runClaudeDirect, scratchDir } from "../claude-direct.js";
import type { Conversation, Scenario, Step } from "../model-scenario.js";
import { toolResults } from "../model-scenario.js";

export const FIX = join(ROOT, "test", "fixtures", "claude");
const only = process.argv.slice(2);
/** A fast case runs when no prefix is given or one of the given prefixes starts its name. */
export const want = (n: string): boolean => only.length === 0 || only.some((o) => n.startsWith(o));
/** A slow case runs only when named exactly. */
export const named = (n: string): boolean => only.includes(n);
export const BYPASS = ["--permission-mode", "bypassPermissions"];

export const one = (steps: Step[], after?: Conversation["after"]): Scenario => ({
  conversations: [after ? { steps, after } : { steps }],
});

export function gitRepo(): string {
  const dir = scratchDir("ovr-");
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  return dir;
}

export const lastToolResults = (r: DirectResult) =>
  toolResults(r.requests.filter((q) => q.path === "/v1/messages").at(-1)?.body);
export const sessionOf = (r: DirectResult): string =>
  String(r.events.find((e) => e.type === "system")?.session_id ?? "");

/** Runs one case and writes test/fixtures/claude/<name>.ndjson (raw stdout) and .meta.json. */
export async function run(
  name: string,
  o: DirectRun,
  extra?: (r: DirectResult) => Record<string, unknown>,
): Promise<DirectResult> {
  const r = await runClaudeDirect(o);
  writeFileSync(join(FIX, `${name}.ndjson`), r.stdout);
  const meta = {
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    timedOut: r.timedOut,
    stderr: r.stderr,
    requestCount: r.requests.length,
    messagesRequests: r.requests.filter((q) => q.path === "/v1/messages").length,
    handledAs: r.requests.map((q) => `${q.method} ${q.path} ${q.handledAs}`),
    eventTypes: r.events.map(
      (e, i) => `${e.subtype ? `${e.type}/${e.subtype}` : e.type} @${r.eventTimes[i] ?? "?"}ms`,
    ),
    ...extra?.(r),
  };
  writeFileSync(join(FIX, `${name}.meta.json`), `${JSON.stringify(meta, null, 2)}\n`);
  const res = r.events.find((e) => e.type === "result");
  const summary = res ? `${String(res.subtype)} is_error=${String(res.is_error)}` : "none";
  console.log(
    `${name}: exit=${r.exitCode} ${r.durationMs}ms requests=${meta.messagesRequests} result=${summary}`,
  );
  return r;
}

export function hookScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Writes <cwd>/.claude/settings.local.json with these PreToolUse hooks. */
export function settings(cwd: string, preToolUse: { matcher: string; command: string }[]): void {
  mkdirSync(join(cwd, ".claude"), { recursive: true });
  const entries = preToolUse.map((e) => ({
    matcher: e.matcher,
    hooks: [{ type: "command", command: e.command }],
  }));
  writeFileSync(
    join(cwd, ".claude", "settings.local.json"),
    JSON.stringify({ hooks: { PreToolUse: entries } }),
  );
}

/** A hook body answering with a JSON deny. */
export const deny = (reason: string): string => {
  const out = {
    hookSpecificOutput: {
      hookEventName: "PreToolUse",
      permissionDecision: "deny",
      permissionDecisionReason: reason,
    },
  };
  return `cat >/dev/null\nprintf '%s' '${JSON.stringify(out)}'`;
};
