import { Command, Option } from "clipanion";
import { CONFIG_REF } from "../../config/config.js";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class InitCommand extends OvCommand {
  static override paths = [["init"]];
  static override usage = Command.Usage({
    description: "prepare this repository for git ov",
    details: `
      Creates the machine-local state directory \`<git-common-dir>/ov/\`, writes configuration defaults to \`refs/ov/config\`, and installs git ov's hook shims into the hooks directory git uses (\`core.hooksPath\` is honoured). A hook you already had is kept and run first. Nothing is committed to your branches and no tracked file is created. Running it again is safe.

      \`--uninstall\` removes the shims and restores your own hooks exactly; \`refs/ov/*\` state is kept.
    `,
    examples: [
      ["Prepare the current repository", "git ov init"],
      ["Prepare another repository", "git ov -C ../other init"],
      ["Remove the hooks again", "git ov init --uninstall"],
    ],
  });

  uninstall = Option.Boolean("--uninstall", false, {
    description: "Remove git ov's hooks and restore the previous ones",
  });

  async run(): Promise<CommandOutput> {
    const deps = await this.deps();
    if (this.uninstall) {
      const { uninstallRepo } = await import("../../setup/init.js");
      const res = await uninstallRepo(deps);
      return {
        data: { uninstalled: true, restored: res.restored },
        text: `git ov hooks removed${res.restored.length ? `; restored your ${res.restored.join(", ")}` : ""}. refs/ov/* state was kept.`,
      };
    }
    const { initRepo } = await import("../../setup/init.js");
    const res = await initRepo(deps, this.context.selfBin);
    const chained = res.hooks.filter((h) => h.chained).map((h) => h.name);
    const lines = [
      `git ov initialised in ${deps.repo.topLevel ?? deps.repo.commonDir}`,
      `  state:   ${res.ovDir} (machine-local), ${CONFIG_REF} (${res.configCreated ? "created" : "kept"})`,
      `  branch:  ${res.canonicalBranch} (agents start from and merge into it)`,
      `  hooks:   ${res.hooks.map((h) => h.name).join(", ")}${chained.length ? ` (chained to your ${chained.join(", ")})` : ""}`,
      "next: git ov sling <task> --capability builder   (or: git ov --help)",
    ];
    return {
      data: {
        ovDir: res.ovDir,
        configCreated: res.configCreated,
        canonicalBranch: res.canonicalBranch,
        hooks: res.hooks,
      },
      text: lines.join("\n"),
    };
  }
}

export const commands = [InitCommand];
