import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class RunCompleteCommand extends OvCommand {
  static override paths = [["run", "complete"]];
  static override usage = Command.Usage({
    description: "mark the current run (or a named one) completed",
    details:
      "Clears `refs/ov/runs/current` in the same transaction when it names that run. Fails when no run is current.",
    examples: [
      ["Finish the current run", "git ov run complete"],
      ["Mark a run failed", "git ov run complete run-2026-04-30T12-00-00-000Z --failed"],
    ],
  });

  id = Option.String({ required: false, name: "run-id" });
  failed = Option.Boolean("--failed", false, {
    description: "Record the run as failed instead of completed",
  });

  async run(): Promise<CommandOutput> {
    const { OvError } = await import("../../../core/errors.js");
    const { readCurrentRunId } = await import("../../../sessions/current-run.js");
    const { completeRun } = await import("../../../sessions/runs.js");
    const deps = await this.deps();
    const id = this.id ?? (await readCurrentRunId(deps));
    if (id === undefined) {
      throw new OvError("NOT_FOUND", "no active run to complete", {
        hint: "git ov run list shows the runs; name one",
      });
    }
    const { run, clearedCurrent } = await completeRun(deps, id, this.failed ? "failed" : "completed");
    return {
      data: { runId: run.id, status: run.status, clearedCurrent },
      text: `${run.id} ${run.status}${clearedCurrent ? " (no run is current now)" : ""}`,
    };
  }
}
