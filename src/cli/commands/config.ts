import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class ConfigGetCommand extends OvCommand {
  static override paths = [["config", "get"]];
  static override usage = Command.Usage({
    description: "print one configuration value",
    details:
      "Resolution order: built-in default, then `refs/ov/config` (shared), then `git config ov.<key>` (yours).",
    examples: [
      ["Show the branch agents merge into", "git ov config get project.canonicalBranch"],
      ["As JSON, with where the value came from", "git ov config get watchdog.staleMs --json"],
    ],
  });
  key = Option.String({ required: true });

  async run(): Promise<CommandOutput> {
    const { loadConfig, requireKey } = await import("../../config/config.js");
    const key = requireKey(this.key);
    const cfg = await loadConfig(await this.deps());
    const value = cfg.get(key);
    return { data: { key, value, source: cfg.source(key) }, text: String(value) };
  }
}

export class ConfigSetCommand extends OvCommand {
  static override paths = [["config", "set"]];
  static override usage = Command.Usage({
    description: "set a shared configuration value in refs/ov/config",
    details:
      "The value is checked against the key's type. For a per-user override use `git config ov.<key> <value>` instead.",
    examples: [
      ["Make agents run the scripted runtime", "git ov config set runtime.default scripted"],
      ["Declare zombies after 20 minutes", "git ov config set watchdog.zombieMs 1200000"],
    ],
  });
  key = Option.String({ required: true });
  value = Option.String({ required: true });

  async run(): Promise<CommandOutput> {
    const { setConfig, requireKey } = await import("../../config/config.js");
    const key = requireKey(this.key);
    const value = await setConfig(await this.deps(), key, this.value);
    return { data: { key, value }, text: `${key} = ${String(value)}` };
  }
}

export class ConfigUnsetCommand extends OvCommand {
  static override paths = [["config", "unset"]];
  static override usage = Command.Usage({
    description: "remove a shared configuration value (back to the default)",
    examples: [["Restore the default runtime", "git ov config unset runtime.default"]],
  });
  key = Option.String({ required: true });

  async run(): Promise<CommandOutput> {
    const { setConfig, requireKey } = await import("../../config/config.js");
    const key = requireKey(this.key);
    await setConfig(await this.deps(), key, undefined);
    return { data: { key }, text: `${key} unset` };
  }
}

export class ConfigListCommand extends OvCommand {
  static override paths = [["config", "list"]];
  static override usage = Command.Usage({
    description: "list every configuration key with its value and source",
    examples: [
      ["Everything", "git ov config list"],
      ["As NDJSON", "git ov config list --json"],
    ],
  });

  async run(): Promise<CommandOutput> {
    const { loadConfig } = await import("../../config/config.js");
    const { CONFIG_KEYS } = await import("../../config/keys.js");
    const cfg = await loadConfig(await this.deps());
    const rows = (Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[]).map((key) => ({
      key,
      value: cfg.get(key),
      source: cfg.source(key),
      doc: CONFIG_KEYS[key].doc,
    }));
    const width = Math.max(...rows.map((r) => r.key.length));
    const text = rows.map(
      (r) => `${r.key.padEnd(width)}  ${String(r.value)}${r.source === "default" ? "" : `  (${r.source})`}`,
    );
    for (const p of cfg.problems) this.context.stderr.write(`git ov: warning: ${p}\n`);
    return { lines: rows, text: text.join("\n") };
  }
}

export const commands = [ConfigGetCommand, ConfigSetCommand, ConfigUnsetCommand, ConfigListCommand];
