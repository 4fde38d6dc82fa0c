import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../../ov-command.js";

async function readStdin(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export class AgentsShowCommand extends OvCommand {
  static override paths = [["agents", "show"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "print a role definition (the override in refs/ov/config, or the shipped one)",
    examples: [
      ["The builder role as agents get it", "git ov agents show builder"],
      ["With its source, as JSON", "git ov agents show lead --json"],
    ],
  });

  role = Option.String({ required: true, name: "role" });

  async run(): Promise<CommandOutput> {
    const { effectiveRole, requireRole } = await import("../../../agents/role-text.js");
    const r = await effectiveRole(await this.deps(), requireRole(this.role));
    return { data: { role: r.role, source: r.source, commit: r.commit ?? null, text: r.text }, text: r.text };
  }
}

export class AgentsEditCommand extends OvCommand {
  static override paths = [["agents", "edit"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "override a role definition for this repository (stored in refs/ov/config)",
    details: `
      Stores \`agents/<role>.md\` in the \`refs/ov/config\` document; agents slung afterwards get it in their overlay. The exact commands and the terminal mail are still appended from code, so an override cannot lose them. Text from \`--file\` or stdin.
    `,
    examples: [
      [
        "Start from the shipped text",
        "git ov agents show builder > builder.md && $EDITOR builder.md && git ov agents edit builder --file builder.md",
      ],
      ["From stdin", "git ov agents edit reviewer < reviewer.md"],
    ],
  });

  role = Option.String({ required: true, name: "role" });
  file = Option.String("--file", { description: "File with the new role text (default: stdin)" });

  async run(): Promise<CommandOutput> {
    const { requireRole, setRoleOverride } = await import("../../../agents/role-text.js");
    const role = requireRole(this.role);
    let text: string;
    if (this.file) {
      const { readFileSync } = await import("node:fs");
      const { resolve } = await import("node:path");
      const { OvError } = await import("../../../core/errors.js");
      const path = resolve(this.context.cwd, this.file);
      try {
        text = readFileSync(path, "utf8");
      } catch {
        throw new OvError("NOT_FOUND", `cannot read ${path}`, {
          hint: "pass an existing file to --file, or the text on stdin",
        });
      }
    } else text = await readStdin(this.context.stdin);
    const who = this.context.env.GIT_OV_AGENT || "operator";
    const commit = await setRoleOverride(await this.deps(), role, text, who);
    return {
      data: { role, source: "override", commit },
      text: `${role} role text overridden in refs/ov/config`,
    };
  }
}

export class AgentsResetCommand extends OvCommand {
  static override paths = [["agents", "reset"]];
  static override usage = Command.Usage({
    category: "Agents",
    description: "drop a role override, back to the shipped definition",
    examples: [["Restore the shipped lead role", "git ov agents reset lead"]],
  });

  role = Option.String({ required: true, name: "role" });

  async run(): Promise<CommandOutput> {
    const { requireRole, resetRole } = await import("../../../agents/role-text.js");
    const role = requireRole(this.role);
    const removed = await resetRole(await this.deps(), role, this.context.env.GIT_OV_AGENT || "operator");
    return {
      data: { role, removed },
      text: removed ? `${role} role text reset to the shipped definition` : `${role} had no override`,
    };
  }
}
