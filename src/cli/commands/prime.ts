import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class PrimeCommand extends OvCommand {
  static override paths = [["prime"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "print the context an agent (or the operator) needs to start",
    details: `
      For an agent (\`--agent\`, or \`$GIT_OV_AGENT\` inside an agent): its session, parent, unread mail count and overlay. For the operator (no agent): the current run, live agents, the merge queue and the operator's unread mail. \`--compact\` leaves the overlay out.
    `,
    examples: [
      ["Inside an agent's turn", "git ov prime"],
      ["For a named agent, without the overlay", "git ov prime --agent builder-fix-login --compact"],
      ["The operator's view", "git ov prime --json"],
    ],
  });

  agent = Option.String("--agent", { description: "Agent to prime (default: $GIT_OV_AGENT)" });
  compact = Option.Boolean("--compact", false, { description: "Leave the overlay out" });

  async run(): Promise<CommandOutput> {
    const { primeAgent, primeOperator } = await import("../../agents/prime.js");
    const deps = await this.deps();
    const name = this.agent ?? this.context.env.GIT_OV_AGENT;
    if (name) {
      const p = await primeAgent(deps, name, this.compact);
      return {
        data: {
          agent: p.agent,
          compact: this.compact,
          session: p.session,
          unread: p.unread,
          overlay: p.overlayPath,
          context: p.context,
        },
        text: p.context,
      };
    }
    const p = await primeOperator(deps);
    return {
      data: {
        agent: null,
        compact: this.compact,
        runId: p.runId,
        agents: p.agents,
        queued: p.queued,
        unread: p.unread,
        context: p.context,
      },
      text: p.context,
    };
  }
}

export const commands = [PrimeCommand];
