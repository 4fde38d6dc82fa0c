import { appendFileSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { isoTime } from "../sys/clock.js";

/** Per-turn diagnostics: `<ov>/logs/<agent>/<turn-stamp>/{runner.log,stderr.log}` and the agent's event log. */
export class TurnJournal {
  readonly dir: string;
  readonly stderrPath: string;
  private readonly runnerLog: string;
  private readonly eventsPath: string;

  constructor(
    ovDir: string,
    readonly agent: string,
    turn: number,
    nowMs: number,
    private readonly echo: (line: string) => void = () => {},
  ) {
    const stamp = `${isoTime(nowMs).replace(/[:.]/g, "-")}-turn${turn}`;
    this.dir = join(ovDir, "logs", agent, stamp);
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(join(ovDir, "events"), { recursive: true });
    this.stderrPath = join(this.dir, "stderr.log");
    this.runnerLog = join(this.dir, "runner.log");
    this.eventsPath = join(ovDir, "events", `${agent}.ndjson`);
    rotateIfLarge(this.eventsPath);
  }

  /** `<ISO> [level] message`, appended synchronously; failures are swallowed. */
  log(nowMs: number, level: "info" | "warn" | "error", message: string): void {
    const line = `${isoTime(nowMs)} [${level}] ${message}`;
    try {
      appendFileSync(this.runnerLog, `${line}\n`);
    } catch {
      /* diagnostics never break a turn */
    }
    if (level !== "info") this.echo(`[turn:${level}] ${this.agent}: ${message}`);
  }

  /** Appends one event record (one write per record, O_APPEND; readers tolerate a torn last line). */
  event(record: Record<string, unknown>): void {
    try {
      appendFileSync(this.eventsPath, `${JSON.stringify(record)}\n`);
    } catch {
      /* diagnostics never break a turn */
    }
  }
}

const MAX_EVENTS_BYTES = 16 * 1024 * 1024;

function rotateIfLarge(path: string): void {
  try {
    if (statSync(path).size > MAX_EVENTS_BYTES) renameSync(path, `${path}.1`);
  } catch {
    /* absent: nothing to rotate */
  }
}
