import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class RunListCommand extends OvCommand {
  static override paths = [["run", "list"]];
  static override usage = Command.Usage({
    description: "list runs, newest first",
    details:
      "Agent counts are derived from the sessions naming each run. With `--json`, one run per line (NDJSON).",
    examples: [
      ["The last 10 runs", "git ov run list"],
      ["The last 3, as NDJSON", "git ov run list --last 3 --json"],
    ],
  });

  last = Option.String("--last", "10", { description: "How many runs (default 10)" });

  async run(): Promise<CommandOutput> {
    const { OvError } = await import("../../../core/errors.js");
    const { listRuns } = await import("../../../sessions/runs.js");
    const { duration, elapsed, problemLines, table } = await import("../../../sessions/format.js");
    const limit = Number(this.last);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new OvError("USAGE", `--last takes a positive whole number, not '${this.last}'`, {
        hint: "e.g. --last 5",
      });
    }
    const deps = await this.deps();
    const { runs, problems } = await listRuns(deps, { limit });
    if (problems.length > 0) this.context.stderr.write(problemLines(problems));
    const now = deps.clock.now();
    const lines = runs.map((r) => ({ ...r, duration: elapsed(r.startedAt, r.completedAt, now) }));
    const rows = lines.map((r) => [
      r.id,
      r.status,
      `${r.agentCount} agent(s)`,
      r.duration === null ? "" : duration(r.duration),
    ]);
    return { lines, text: rows.length > 0 ? table(rows) : "no runs" };
  }
}
