import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { isRecord } from "../../core/json.js";
import { runGit } from "../../git/exec.js";
import { packageRoot } from "../../setup/package-root.js";
import { holdOpenForever, ignoreSigterm, nodeExecutable } from "../../sys/run.js";
import { ClaudeEmitter, unknownSessionResult } from "./emit.js";
import {
  SCRIPT_ENV,
  type ScriptedSession,
  loadScriptFile,
  readScriptedSession,
  resolveScriptPath,
  writeScriptedSession,
} from "./files.js";
import { type Script, stepsForTurn } from "./script.js";
import { type StepContext, runStep } from "./steps.js";

export interface AgentIo {
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Flags of Claude's CLI that take a value; the scripted agent accepts (and mostly ignores) them. */
const VALUE_FLAGS = new Set([
  "--resume",
  "-r",
  "--model",
  "--permission-mode",
  "--output-format",
  "--input-format",
  "--session-id",
]);

/**
 * The scripted agent program: reads stream-json user turns on stdin and answers each with the
 * next turn of its script, in Claude Code's stream-json. Resolves with the exit code (or never,
 * for `hang`).
 */
export async function runScriptedAgent(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  io: AgentIo,
): Promise<number> {
  const flags = parseFlags(argv);
  const ovDir = await findOvDir(cwd);
  if (ovDir === null) {
    io.stderr(`scripted agent: ${cwd} is not inside a git repository\n`);
    return 1;
  }
  const resume = flags.get("--resume") ?? flags.get("-r");
  let session: ScriptedSession;
  if (resume !== undefined) {
    const found = await readScriptedSession(ovDir, resume);
    if (found === null) {
      io.stdout(unknownSessionResult(resume));
      io.stderr(`No conversation found with session ID: ${resume}\n`);
      return 1;
    }
    session = found;
  } else {
    session = {
      v: 1,
      sessionId: flags.get("--session-id") ?? randomUUID(),
      agent: env.GIT_OV_AGENT ?? null,
      script: null,
      prompts: [],
      costUsd: 0,
    };
  }
  let code: number | null = null;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    const prompt = userText(line);
    if (prompt === null) {
      if (line.trim() !== "") io.stderr(`scripted agent: ignoring stdin line that is not a user message\n`);
      continue;
    }
    const outcome = await runTurn({ session, prompt, env, cwd, ovDir, io });
    if (outcome.kind === "exit") return outcome.code;
    if (outcome.kind === "hang") return hang();
    code = outcome.isError ? 1 : 0;
  }
  if (code === null) {
    io.stderr("scripted agent: no user message on stdin\n");
    return 1;
  }
  return code;
}

type TurnOutcome = { kind: "done"; isError: boolean } | { kind: "exit"; code: number } | { kind: "hang" };

interface TurnInput {
  session: ScriptedSession;
  prompt: string;
  env: Record<string, string | undefined>;
  cwd: string;
  ovDir: string;
  io: AgentIo;
}

async function runTurn(t: TurnInput): Promise<TurnOutcome> {
  const { session, io } = t;
  const path = resolveScriptPath(t.env, t.ovDir, t.cwd, session.script);
  let script: Script | null = null;
  let problem: string | null = null;
  if (path === null)
    problem = `no script for agent '${session.agent ?? "?"}': set ${SCRIPT_ENV} or write ${join(t.ovDir, "scripts", `${session.agent ?? "<agent>"}.json`)}`;
  else {
    try {
      script = (await loadScriptFile(path)).script;
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
  }
  const index = session.prompts.length;
  session.prompts.push(t.prompt);
  if (path !== null) session.script = path;
  await writeScriptedSession(t.ovDir, session);
  const emit = new ClaudeEmitter(
    io.stdout,
    session.sessionId,
    script?.model ?? "scripted",
    script?.usage ?? { inputTokens: 0, outputTokens: 0 },
    script?.costUsd ?? 0,
    session.costUsd,
  );
  if (script === null) {
    emit.init(t.cwd);
    emit.result({
      isError: true,
      subtype: "error_during_execution",
      text: "",
      terminalReason: "error",
      errors: [problem ?? "no script"],
    });
    io.stderr(`scripted agent: ${problem}\n`);
    return { kind: "done", isError: true };
  }
  const steps = stepsForTurn(script, index);
  // Before any output, so a supervisor that reacts to the first line cannot beat the handler.
  if (steps.some((s) => s.op === "hang" && s.ignoreSigterm)) ignoreSigterm();
  if (steps[0]?.op === "silent_hang") return { kind: "hang" };
  emit.init(t.cwd);
  const ctx: StepContext = {
    cwd: t.cwd,
    env: toolEnv(t.env, session, index, t.prompt),
    emit,
    ovDir: t.ovDir,
    gitOv: gitOvCommand(t.env),
  };
  for (const step of steps) {
    const out = await runStep(ctx, step);
    if (out.kind === "exit") return out;
    if (out.kind === "hang") return { kind: "hang" };
    if (out.kind === "fail") {
      emit.text(out.text, true);
      emit.result({ isError: true, subtype: "success", text: out.text, terminalReason: "api_error" });
      return { kind: "done", isError: true };
    }
  }
  emit.result({ isError: false, subtype: "success", text: emit.lastText, terminalReason: "completed" });
  session.costUsd = emit.totalCost(false);
  await writeScriptedSession(t.ovDir, session);
  return { kind: "done", isError: false };
}

/** The text of a stream-json user message (string content or text blocks), or null. */
export function userText(line: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(v) || v.type !== "user" || !isRecord(v.message)) return null;
  const c = v.message.content;
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return null;
  return c
    .map((b) => (isRecord(b) && b.type === "text" && typeof b.text === "string" ? b.text : ""))
    .join("\n");
}

function toolEnv(
  env: Record<string, string | undefined>,
  s: ScriptedSession,
  index: number,
  prompt: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== SCRIPT_ENV) out[k] = v;
  out.GIT_OV_SCRIPTED_SESSION = s.sessionId;
  out.GIT_OV_SCRIPTED_TURN = String(index + 1);
  out.GIT_OV_SCRIPTED_PROMPT = prompt.slice(0, 64 * 1024);
  return out;
}

/** `$GIT_OV_BIN` when set, else the git-ov of this very package (never whatever is first on PATH). */
function gitOvCommand(env: Record<string, string | undefined>): { cmd: string; args: string[] } {
  if (env.GIT_OV_BIN) return { cmd: env.GIT_OV_BIN, args: [] };
  return { cmd: nodeExecutable(), args: [join(packageRoot(), "bin", "git-ov")] };
}

async function findOvDir(cwd: string): Promise<string | null> {
  const r = await runGit(["rev-parse", "--path-format=absolute", "--git-common-dir"], {
    cwd,
    check: false,
  }).catch(() => null);
  if (r === null || r.code !== 0 || r.stdout.trim() === "") return null;
  return join(r.stdout.trim(), "ov");
}

function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_FLAGS.has(a) && argv[i + 1] !== undefined) flags.set(a, argv[++i]!);
  }
  return flags;
}

function hang(): Promise<number> {
  holdOpenForever();
  return new Promise(() => {});
}
