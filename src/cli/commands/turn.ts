import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class TurnCommand extends OvCommand {
  static override paths = [["turn"]];
  static override usage = Command.Usage({
    description: "run an agent's next turn(s): deliver its unread mail (and an optional prompt)",
    details: `
      Takes the agent's turn lock, hands all unread mail to its runtime as one user turn (metadata escaped), and settles the session when the runtime exits. Mail that arrives meanwhile is delivered in further turns before the lock is released. Mail is acknowledged only after a turn that ran cleanly, so a crash loses nothing.

      Mail sent with \`git ov mail send\` starts this automatically in the background; run it by hand to deliver synchronously or to debug an agent. Exits 0 when there was nothing to do.
    `,
    examples: [
      ["Deliver builder-1's unread mail now and wait", "git ov turn builder-1"],
      [
        "Give an agent an extra instruction",
        "git ov turn builder-1 --prompt 'Run the tests before you commit.'",
      ],
      ["Machine-readable turn results", "git ov turn builder-1 --json"],
    ],
  });

  agent = Option.String({ required: true });
  prompt = Option.String("--prompt", { description: "Extra text for the first turn (besides unread mail)" });
  quiet = Option.Boolean("--quiet", false, { description: "Print nothing (used by background dispatch)" });

  async run(): Promise<CommandOutput> {
    const { agentName } = await import("../../core/ids.js");
    const { readSession } = await import("../../sessions/session.js");
    const { OvError } = await import("../../core/errors.js");
    const { deliverTurns } = await import("../../turn/deliver.js");
    const { turnEnvironment } = await import("../../turn/environment.js");
    const name = agentName(this.agent);
    const deps = await this.deps();
    const read = await readSession(deps, name);
    if (read.kind === "missing")
      throw new OvError("NOT_FOUND", `no agent named '${name}'`, { hint: "git ov status lists the agents" });
    const echo = this.quiet ? undefined : (line: string) => this.context.stderr.write(`${line}\n`);
    const env = await turnEnvironment(deps, this.context.selfBin, echo ? { echo } : {});
    const results = await deliverTurns(deps, name, env, this.prompt);
    const text =
      results.length === 0
        ? `${name}: nothing to deliver`
        : results
            .map(
              (r) =>
                `${name}: turn ${r.turn} -> ${r.finalState ?? "?"} (${r.reason ?? ""})${r.logDir ? ` log: ${r.logDir}` : ""}`,
            )
            .join("\n");
    return { data: { agent: name, turns: results }, ...(this.quiet ? {} : { text }) };
  }
}

export const commands = [TurnCommand];
