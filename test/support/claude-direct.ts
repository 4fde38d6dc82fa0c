// The real Claude Code CLI run directly (not through git ov) against the model stub: what the
// capture script uses to record the CLI's raw behaviour (test/fixtures/claude/, see its README).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claudeBinary, claudeEnv, networkNamespaceAvailable, writeLauncher } from "./claude-env.js";
import type { Scenario } from "./model-scenario.js";
import { type RecordedRequest, startModelStub } from "./model-stub.js";

/** The fixed headless flags git ov's adapter passes (CLAUDE_HEADLESS_ARGS). */
export const HEADLESS_ARGS = [
  "-p",
  "--output-format",
  "stream-json",
  "--input-format",
  "stream-json",
  "--verbose",
];
export type StreamEvent = Record<string, unknown> & { type: string; subtype?: string };

export interface DirectRun {
  scenario: Scenario;
  /** One stream-json user line with this text (or `stdinLines`). */
  prompt?: string;
  stdinLines?: string[];
  /** After the headless flags, e.g. ["--resume", id]. */
  args?: string[];
  /** Working directory (default: a fresh empty directory). */
  cwd?: string;
  /** HOME to reuse (for --resume across runs); default: a fresh one. */
  home?: string;
  env?: Record<string, string>;
  /** Variables of the default environment to drop (e.g. CLAUDE_CODE_MAX_RETRIES for the CLI default). */
  unsetEnv?: string[];
  timeoutMs?: number;
  /** Keep stdin open this long after writing (default: close at once). */
  closeStdinAfterMs?: number;
  onSpawn?: (child: ChildProcessWithoutNullStreams) => void;
}

export interface DirectResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: StreamEvent[];
  /** ms after spawn at which each event's line arrived. */
  eventTimes: number[];
  requests: RecordedRequest[];
  durationMs: number;
  timedOut: boolean;
  home: string;
}

export function userLine(text: string): string {
  return JSON.stringify({ type: "user", message: { role: "user", content: text } });
}

export function parseEvents(stdout: string): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string")
        out.push(v as StreamEvent);
    } catch {
      // not JSON: ignored here (the parser's tests cover garbage lines)
    }
  }
  return out;
}

/** A fresh scratch directory under the system temp dir (short: socket paths must stay < 108 bytes). */
export function scratchDir(prefix = "ovd-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the CLI once with IS_SANDBOX=1 (as root, bypassPermissions needs it), in its own network namespace when possible. */
export async function runClaudeDirect(o: DirectRun): Promise<DirectResult> {
  const real = claudeBinary();
  if (!real) throw new Error("Claude Code CLI not installed (npm ci)");
  const scratch = scratchDir();
  for (const d of ["t", "cap", "cwd", "home"]) mkdirSync(join(scratch, d));
  const netns = networkNamespaceAvailable();
  const socketPath = join(scratch, "stub.sock");
  const stub = await startModelStub(o.scenario, netns ? { socketPath } : {});
  const home = o.home ?? join(scratch, "home");
  const launcher = writeLauncher({
    path: join(scratch, "claude"),
    real,
    captureDir: join(scratch, "cap"),
    netns: netns ? { stubSocket: socketPath, stubPort: stub.port } : null,
  });
  const env: Record<string, string> = {
    ...claudeEnv({ home, tmpdir: join(scratch, "t"), baseUrl: stub.url }),
    IS_SANDBOX: "1",
    ...o.env,
  };
  for (const k of o.unsetEnv ?? []) delete env[k];
  const t0 = performance.now();
  const child = spawn(launcher, [...HEADLESS_ARGS, ...(o.args ?? [])], {
    cwd: o.cwd ?? join(scratch, "cwd"),
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let pending = "";
  const eventTimes: number[] = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    pending += d;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const p of parts) if (p.trim()) eventTimes.push(Math.round(performance.now() - t0));
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const lines = o.stdinLines ?? [userLine(o.prompt ?? "hello")];
  child.stdin.write(lines.map((l) => `${l}\n`).join(""));
  const closer = setTimeout(() => child.stdin.end(), o.closeStdinAfterMs ?? 0);
  o.onSpawn?.(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGTERM");
  }, o.timeoutMs ?? 60_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => {
    child.on("close", (code, sig) => done([code, sig]));
  });
  clearTimeout(timer);
  clearTimeout(closer);
  const durationMs = Math.round(performance.now() - t0);
  await stub.close();
  rmSync(join(scratch, "t"), { recursive: true, force: true });
  const result = { exitCode, signal, stdout, stderr, events: parseEvents(stdout), eventTimes };
  return { ...result, requests: stub.requests, durationMs, timedOut, home };
}
