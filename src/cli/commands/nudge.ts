import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class NudgeCommand extends OvCommand {
  static override paths = [["nudge"]];
  static override usage = Command.Usage({
    description: "wake an agent with a follow-up turn",
    details: `
      Leaves \`[NUDGE from <from>] <message>\` in the agent's inbox (durable, visible in \`git log refs/ov/mail/<agent>\`) and starts its next turn in the background; if a turn is in flight the nudge is delivered by the next one. \`--wait\` runs the turn here and prints its outcome. Agents that have completed or died cannot be nudged: re-dispatch them with \`git ov sling <task> --recover\`. Repeats within 500 ms are refused unless \`--force\`.
    `,
    examples: [
      ["Remind an agent to check its mail", "git ov nudge builder-1"],
      [
        "Say something specific and wait for the turn",
        "git ov nudge builder-1 'The tests fail on main; rebase first.' --wait",
      ],
      ["As the lead", "git ov nudge builder-1 --from lead-1 'Status?'"],
    ],
  });

  agent = Option.String({ required: true });
  words = Option.Rest();
  from = Option.String("--from", { description: "Sender (default: $GIT_OV_AGENT, else operator)" });
  force = Option.Boolean("--force", false, { description: "Skip the 500 ms debounce" });
  wait = Option.Boolean("--wait", false, { description: "Run the turn in this process and wait for it" });

  async run(): Promise<CommandOutput> {
    const { agentName } = await import("../../core/ids.js");
    const { nudgeAgent } = await import("../../turn/nudge.js");
    const name = agentName(this.agent);
    const from = agentName(this.from ?? this.context.env.GIT_OV_AGENT ?? "operator", "sender");
    const deps = await this.deps();
    const res = await nudgeAgent(deps, name, this.words.join(" "), {
      from,
      force: this.force,
      dispatch: !this.wait,
    });
    if (this.wait) {
      const { deliverTurns } = await import("../../turn/deliver.js");
      const { turnEnvironment } = await import("../../turn/environment.js");
      const env = await turnEnvironment(deps, this.context.selfBin, {
        echo: (l) => this.context.stderr.write(`${l}\n`),
      });
      const turns = await deliverTurns(deps, name, env);
      const last = turns[turns.length - 1];
      return {
        data: { ...res, delivered: turns.length > 0, queued: false, turns },
        text: last
          ? `nudge delivered to ${name}: turn ${last.turn} -> ${last.finalState}`
          : `nudge queued for ${name} (another turn delivered it)`,
      };
    }
    const { dispatchAgents } = await import("../../turn/dispatch.js");
    const outcome = (await dispatchAgents(deps, [name], this.context.selfBin))[name];
    return {
      data: { ...res, delivered: outcome === "started", queued: outcome === "pending" },
      text:
        outcome === "pending"
          ? `nudge queued for ${name} (a turn is in flight; it is delivered next)`
          : `nudge sent to ${name}; its turn is starting`,
    };
  }
}

export const commands = [NudgeCommand];
