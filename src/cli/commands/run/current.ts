import { Command } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class RunCurrentCommand extends OvCommand {
  static override paths = [["run"]];
  static override usage = Command.Usage({
    description: "show the current run (the one new agents join)",
    details: "Prints `No active run` (and `run: null` with `--json`) when no run is current.",
    examples: [
      ["The current run", "git ov run"],
      ["As JSON", "git ov run --json"],
    ],
  });

  async run(): Promise<CommandOutput> {
    const { readCurrentRunId } = await import("../../../sessions/current-run.js");
    const { getRun } = await import("../../../sessions/runs.js");
    const { describeRun } = await import("./show.js");
    const deps = await this.deps();
    const id = await readCurrentRunId(deps);
    const run = id === undefined ? undefined : await getRun(deps, id);
    if (!run) {
      const message = id === undefined ? "No active run" : `Run ${id} not found in store`;
      return { data: { run: null, message }, text: message };
    }
    const { data, text } = describeRun(run, deps.clock.now());
    return { data, text };
  }
}
