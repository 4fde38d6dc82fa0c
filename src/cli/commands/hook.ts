import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

/** Reads all of stdin when it is a pipe (hooks such as reference-transaction get their input there). */
async function readStdin(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export class HookCommand extends OvCommand {
  static override paths = [["hook"]];
  static override usage = Command.Usage({
    category: "Plumbing",
    description: "run the logic behind one of git ov's git hook shims",
    details: "Called by the shims that `git ov init` installs; not meant to be run by hand.",
    examples: [
      ["What the pre-push shim runs", "git ov hook pre-push origin https://example.invalid/repo.git"],
    ],
  });

  name = Option.String({ required: true });
  args = Option.Rest();

  async run(): Promise<CommandOutput> {
    const { HOOK_HANDLERS, KNOWN_HOOKS } = await import("../../hooks/handlers.js");
    if (!KNOWN_HOOKS.includes(this.name)) {
      const { OvError } = await import("../../core/errors.js");
      throw new OvError("USAGE", `unknown hook '${this.name}'`, {
        hint: `git ov handles ${KNOWN_HOOKS.join(", ")}`,
      });
    }
    const load = HOOK_HANDLERS[this.name];
    if (!load) return { exitCode: 0 };
    const needsStdin = this.name === "reference-transaction" || this.name === "pre-push";
    const stdin = needsStdin ? await readStdin(this.context.stdin) : "";
    const handler = await load();
    const code = await handler(await this.deps(), {
      args: this.args,
      stdin,
      env: this.context.env,
      cwd: this.context.cwd,
      selfBin: this.context.selfBin,
    });
    return { exitCode: code };
  }
}

export const commands = [HookCommand];
