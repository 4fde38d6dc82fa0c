import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";
import { messageOf } from "../core/errors.js";
import { ovDir } from "../git/repo.js";
import type { Runtime, RuntimeEvent, TurnRequest } from "../runtimes/types.js";
import { type Session, type SessionState, readSession } from "../sessions/session.js";
import { tryTransition, updateSession } from "../sessions/store.js";
import { startChild, type ChildHandle } from "../sys/child.js";
import { isoTime } from "../sys/clock.js";
import type { Deps } from "../store/deps.js";
import { TurnJournal } from "./journal.js";
import { turnPidPath } from "./lock.js";
import { decideFinalState } from "./final-state.js";
import { mailTips, sentTerminalMailSince } from "./terminal-mail.js";
import { notifyParentOfDeath } from "./worker-died.js";

export interface RunTurnInput {
  agent: string;
  prompt: string;
  runtime: Runtime;
  baseEnv: Record<string, string>;
  config: TurnRequest["config"];
  /** Terminal mail types of the agent's role (e.g. worker_done). */
  terminalTypes: readonly string[];
  stallMs: number;
  killGraceMs: number;
  abort?: AbortSignal;
  /** Where warnings are mirrored (stderr in the CLI). */
  echo?: (line: string) => void;
}

export interface TurnResult {
  agent: string;
  turn: number;
  /** False when no process ran (terminal or missing session). */
  ran: boolean;
  exitCode: number | null;
  cleanResult: boolean;
  terminalMail: boolean;
  events: number;
  stalled: boolean;
  aborted: boolean;
  initialState: SessionState | null;
  finalState: SessionState | null;
  transitionRejected: string | null;
  runtimeSessionId: string | null;
  durationMs: number;
  usage: { inputTokens: number; outputTokens: number } | null;
  costUsd: number | null;
  reason: string | null;
  logDir: string | null;
}

/**
 * Runs one turn of one agent (the caller holds the agent's turn lock): spawn the runtime, feed the
 * prompt, parse its events, then settle the session by CAS per the final-state rules. Never leaves
 * a pid file or a live child behind.
 */
export async function runTurn(deps: Deps, input: RunTurnInput): Promise<TurnResult> {
  const { agent } = input;
  const started = deps.clock.now();
  const base: TurnResult = {
    agent,
    turn: 0,
    ran: false,
    exitCode: null,
    cleanResult: false,
    terminalMail: false,
    events: 0,
    stalled: false,
    aborted: false,
    initialState: null,
    finalState: null,
    transitionRejected: null,
    runtimeSessionId: null,
    durationMs: 0,
    usage: null,
    costUsd: null,
    reason: null,
    logDir: null,
  };
  const read = await readSession(deps, agent);
  if (read.kind !== "ok")
    return { ...base, reason: read.kind === "missing" ? "no session" : "session document is invalid" };
  const session = read.value;
  if (session.state === "completed" || session.state === "zombie")
    return {
      ...base,
      initialState: session.state,
      finalState: session.state,
      reason: `agent is ${session.state}`,
    };

  const turn = session.turns + 1;
  const ov = ovDir(deps.repo);
  const journal = new TurnJournal(ov, agent, turn, started, input.echo);
  const res: TurnResult = { ...base, turn, ran: true, initialState: session.state, logDir: journal.dir };
  const log = (level: "info" | "warn" | "error", msg: string) => journal.log(deps.clock.now(), level, msg);
  log("info", `turn ${turn} starting (state ${session.state}, runtime ${input.runtime.name})`);

  const baseline = await mailTips(deps.git);
  const pidPath = turnPidPath(ov, agent);
  let child: ChildHandle | undefined;
  let spawnError: string | null = null;
  try {
    const spec = input.runtime.buildTurn({
      session,
      worktree: session.worktree,
      prompt: input.prompt,
      resume: session.runtimeSessionId,
      baseEnv: input.baseEnv,
      config: input.config,
    });
    if (!existsSync(spec.cwd)) throw new Error(`worktree ${spec.cwd} does not exist`);
    child = await startChild({
      cmd: spec.cmd,
      args: spec.args,
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdin: spec.stdin,
      stderrPath: journal.stderrPath,
    });
  } catch (e) {
    spawnError = messageOf(e);
    log("error", `runtime failed to start: ${spawnError}`);
  }
  if (child) {
    try {
      mkdirSync(dirname(pidPath), { recursive: true });
      writeFileSync(pidPath, `${child.pid}\n`);
    } catch (e) {
      log("error", `failed to write ${pidPath}; killing the runtime: ${messageOf(e)}`);
      child.kill("SIGKILL");
      throw e;
    }
    try {
      await consume(deps, input, session, child, res, log, journal);
    } finally {
      try {
        rmSync(pidPath, { force: true });
      } catch (e) {
        log("error", `could not remove ${pidPath}: ${messageOf(e)}`);
      }
    }
  }

  res.terminalMail =
    res.events > 0 && (await sentTerminalMailSince(deps.git, baseline, agent, input.terminalTypes));
  const decision = decideFinalState({ ...res, spawnError });
  res.reason = decision.reason;
  res.durationMs = deps.clock.now() - started;
  const now = isoTime(deps.clock.now());
  const summary = `(turn ${turn}, ${Math.round(res.durationMs)} ms, ${res.cleanResult ? "clean" : "no clean result"}${res.usage ? `, ${res.usage.inputTokens}+${res.usage.outputTokens} tokens` : ""}${res.costUsd !== null ? `, $${res.costUsd.toFixed(4)}` : ""})`;
  const settled = await tryTransition(deps, agent, decision.state, {
    reason: decision.reason,
    note: summary,
    patch: (s) => ({
      turns: turn,
      idleSince: decision.state === "working" ? now : null,
      lastActivity: now,
      runtimeSessionId: res.runtimeSessionId ?? s.runtimeSessionId,
    }),
  });
  if (settled.ok) {
    res.finalState = settled.next;
    if (settled.next === "zombie" && settled.prev !== "zombie") {
      await notifyParentOfDeath(deps, settled.session, decision.reason, log);
    }
  } else {
    const current = settled.reason === "illegal_transition" ? settled.prev : null;
    res.finalState = current;
    res.transitionRejected = `turn-end transition to ${decision.state} rejected: state is now ${current ?? "missing"}`;
    log("warn", res.transitionRejected);
  }
  log("info", `turn ${turn} settled: ${res.finalState} (${decision.reason})`);
  journal.event({
    at: now,
    agent,
    turn,
    kind: "turn_end",
    finalState: res.finalState,
    reason: decision.reason,
    exitCode: res.exitCode,
    usage: res.usage,
    costUsd: res.costUsd,
  });
  return res;
}

async function consume(
  deps: Deps,
  input: RunTurnInput,
  session: Session,
  child: ChildHandle,
  res: TurnResult,
  log: (level: "info" | "warn" | "error", msg: string) => void,
  journal: TurnJournal,
): Promise<void> {
  const parser = input.runtime.parser();
  let stallTimer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = (why: "stall" | "abort") => {
    if (res.stalled || res.aborted) return;
    if (why === "stall") res.stalled = true;
    else res.aborted = true;
    log(
      "error",
      why === "stall"
        ? `no runtime event for ${input.stallMs} ms — terminating (SIGTERM)`
        : "aborted — terminating (SIGTERM)",
    );
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), input.killGraceMs);
  };
  const arm = () => {
    if (stallTimer) clearTimeout(stallTimer);
    if (input.stallMs > 0) stallTimer = setTimeout(() => terminate("stall"), input.stallMs);
  };
  const onAbort = () => terminate("abort");
  input.abort?.addEventListener("abort", onAbort, { once: true });
  if (input.abort?.aborted) onAbort();
  arm();
  let chain = Promise.resolve();
  const handle = (events: RuntimeEvent[]) => {
    for (const ev of events) {
      arm();
      res.events++;
      chain = chain.then(() => onEvent(deps, session, ev, res, log, journal));
    }
  };
  child.onStdout((chunk) => handle(parser.push(chunk)));
  res.exitCode = await child.exited;
  await child.stdoutDone;
  handle(parser.end());
  await chain;
  if (stallTimer) clearTimeout(stallTimer);
  if (killTimer) clearTimeout(killTimer);
  input.abort?.removeEventListener("abort", onAbort);
  if (res.stalled || res.aborted) res.exitCode = null;
  // The runtime is gone; make sure nothing it started outlives the turn.
  child.kill("SIGKILL");
}

/** Turns whose booting -> working step was already attempted (events are counted before they are handled). */
const booted = new WeakSet<TurnResult>();

async function onEvent(
  deps: Deps,
  session: Session,
  ev: RuntimeEvent,
  res: TurnResult,
  log: (level: "info" | "warn" | "error", msg: string) => void,
  journal: TurnJournal,
): Promise<void> {
  journal.event({ at: isoTime(deps.clock.now()), agent: session.name, turn: res.turn, ...ev });
  if (session.state === "booting" && !booted.has(res)) {
    booted.add(res);
    const t = await tryTransition(deps, session.name, "working", {
      reason: "first runtime event",
      note: `(turn ${res.turn})`,
    });
    if (!t.ok) log("warn", `booting -> working rejected (${t.reason})`);
  }
  const sid = ev.kind === "init" || ev.kind === "result" ? ev.sessionId : undefined;
  if (sid && !res.runtimeSessionId) {
    res.runtimeSessionId = sid;
    if (session.runtimeSessionId && session.runtimeSessionId !== sid) {
      log("warn", `resume mismatch: requested ${session.runtimeSessionId} but the runtime returned ${sid}`);
      journal.event({
        at: isoTime(deps.clock.now()),
        agent: session.name,
        kind: "resume_mismatch",
        requested: session.runtimeSessionId,
        observed: sid,
      });
    }
    try {
      await updateSession(
        deps,
        session.name,
        (s) => (s.runtimeSessionId === sid ? undefined : { runtimeSessionId: sid }),
        `runtime session ${sid}`,
      );
    } catch (e) {
      log("warn", `failed to persist the runtime session id: ${messageOf(e)}`);
    }
  }
  if (ev.kind === "result") {
    res.cleanResult = !ev.isError;
    if (ev.usage) res.usage = { inputTokens: ev.usage.inputTokens, outputTokens: ev.usage.outputTokens };
    if (ev.costUsd !== undefined) res.costUsd = ev.costUsd;
  }
}
