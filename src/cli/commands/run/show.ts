import { Command, Option } from "clipanion";
import type { RunView } from "../../../sessions/runs.js";
import { ago, duration, elapsed, table } from "../../../sessions/format.js";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class RunShowCommand extends OvCommand {
  static override paths = [["run", "show"]];
  static override usage = Command.Usage({
    description: "show one run with its agents",
    examples: [
      ["A run by id", "git ov run show run-2026-04-30T12-00-00-000Z"],
      ["As JSON", "git ov run show run-2026-04-30T12-00-00-000Z --json"],
    ],
  });

  id = Option.String({ required: true, name: "run-id" });

  async run(): Promise<CommandOutput> {
    const { getRun, runNotFound } = await import("../../../sessions/runs.js");
    const { listSessions } = await import("../../../sessions/session.js");
    const deps = await this.deps();
    const { sessions } = await listSessions(deps);
    const run = await getRun(deps, this.id, sessions);
    if (!run) throw runNotFound(this.id);
    const now = deps.clock.now();
    const agents = sessions.filter((s) => s.runId === run.id);
    const { data, text } = describeRun(run, now);
    const rows = agents.map((s) => [
      s.name,
      s.capability,
      s.state,
      s.task,
      `active ${ago(s.lastActivity, now)}`,
    ]);
    return { data: { ...data, agents }, text: rows.length > 0 ? `${text}\n${table(rows, "  ")}` : text };
  }
}

/** The `{run, duration}` data and a one-paragraph description shared by `run` and `run show`. */
export function describeRun(run: RunView, now: number): { data: Record<string, unknown>; text: string } {
  const ms = elapsed(run.startedAt, run.completedAt, now);
  const by = run.coordinatorName ? `, coordinator ${run.coordinatorName}` : "";
  const text = `${run.id}  ${run.status}  ${run.agentCount} agent(s)  started ${run.startedAt}  ${ms === null ? "" : duration(ms)}${by}`;
  return { data: { run, duration: ms }, text: text.trimEnd() };
}
