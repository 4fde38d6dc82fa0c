import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

export class AgentsDiscoverCommand extends OvCommand {
  static override paths = [["agents", "discover"]];
  static override usage = Command.Usage({
    description: "list agents, filtered by capability, state or parent",
    details: `
      Shows active agents (booting, working, stalled) unless \`--all\` is given or \`--state\` names a terminal state. With \`--json\`, prints one JSON object per agent (NDJSON).
    `,
    examples: [
      ["Active agents", "git ov agents discover"],
      ["Active builders", "git ov agents discover --capability builder"],
      ["Children of a lead, finished ones included", "git ov agents discover --parent lead-1 --all"],
      ["Zombies, as NDJSON", "git ov agents discover --state zombie --json"],
    ],
  });

  capability = Option.String("--capability", {
    description: "Only this capability (builder, scout, lead, …)",
  });
  state = Option.String("--state", {
    description: "Only this state (booting, working, stalled, completed, zombie)",
  });
  parent = Option.String("--parent", { description: "Only children of this agent" });
  all = Option.Boolean("--all", false, { description: "Include completed and zombie agents" });

  async run(): Promise<CommandOutput> {
    const { discoverAgents } = await import("../../../sessions/discover.js");
    const { problemLines, table, ago } = await import("../../../sessions/format.js");
    const deps = await this.deps();
    const { agents, problems } = await discoverAgents(deps, {
      all: this.all,
      ...(this.capability !== undefined ? { capability: this.capability } : {}),
      ...(this.state !== undefined ? { state: this.state } : {}),
      ...(this.parent !== undefined ? { parent: this.parent } : {}),
    });
    if (problems.length > 0) this.context.stderr.write(problemLines(problems));
    const now = deps.clock.now();
    const rows = agents.map((a) => [
      a.agentName,
      a.capability,
      a.state,
      a.taskId,
      a.parentAgent ? `parent ${a.parentAgent}` : "no parent",
      `depth ${a.depth}`,
      `last active ${ago(a.lastActivity, now)}`,
    ]);
    return { lines: agents, text: rows.length > 0 ? table(rows) : "no matching agents" };
  }
}
