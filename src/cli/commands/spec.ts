import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

async function readStdin(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export class SpecWriteCommand extends OvCommand {
  static override paths = [["spec", "write"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "store a task's spec in refs/ov/specs",
    details: `
      Writes \`<task>.md\` into the \`refs/ov/specs\` document (one commit, \`Ov-Task\`/\`Ov-Agent\` trailers). The text comes from \`--body\`, or stdin when it is not a terminal. \`--agent\` (default: \`$GIT_OV_AGENT\`) records who wrote it. \`git ov sling <task>\` puts the spec into the agent's overlay.
    `,
    examples: [
      [
        "Write a spec",
        `git ov spec write fix-login --body "Make the session cookie HttpOnly; test in test/auth.test.ts"`,
      ],
      ["From a file, as an agent", "git ov spec write fix-login --agent scout-fix-login < spec.md"],
    ],
  });

  task = Option.String({ required: true, name: "task" });
  body = Option.String("--body", { description: "Spec text (default: stdin)" });
  agent = Option.String("--agent", { description: "Who wrote it (default: $GIT_OV_AGENT)" });

  async run(): Promise<CommandOutput> {
    const { writeSpec } = await import("../../agents/spec.js");
    const body = this.body ?? (await readStdin(this.context.stdin));
    const agent = this.agent ?? this.context.env.GIT_OV_AGENT ?? undefined;
    const r = await writeSpec(await this.deps(), this.task, body, agent || undefined);
    return {
      data: { taskId: r.task, ref: r.ref, path: r.path, commit: r.commit ?? null, changed: r.changed },
      text: r.changed ? `spec for ${r.task} stored in ${r.ref}:${r.path}` : `spec for ${r.task} unchanged`,
    };
  }
}

export class SpecShowCommand extends OvCommand {
  static override paths = [["spec", "show"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "print a task's spec",
    examples: [["Print the spec of fix-login", "git ov spec show fix-login"]],
  });

  task = Option.String({ required: true, name: "task" });

  async run(): Promise<CommandOutput> {
    const { readSpec, specAuthor } = await import("../../agents/spec.js");
    const deps = await this.deps();
    const s = await readSpec(deps, this.task);
    if (!s) {
      const { OvError } = await import("../../core/errors.js");
      throw new OvError("NOT_FOUND", `no spec for task '${this.task}'`, {
        hint: `write one with: git ov spec write ${this.task} --body "…"`,
      });
    }
    const author = (await specAuthor(deps, this.task)) ?? null;
    return { data: { taskId: this.task, body: s.text, author, commit: s.commit }, text: s.text };
  }
}

export const commands = [SpecWriteCommand, SpecShowCommand];
