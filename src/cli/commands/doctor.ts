import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class DoctorCommand extends OvCommand {
  static override paths = [["doctor"]];
  static override usage = Command.Usage({
    description: "check the repository's git ov setup and state",
    details: `
      Checks the git version (>= 2.38), the machine-local state directory and \`refs/ov/config\`, the hook shims, every \`refs/ov\` document, stale ref locks, the loose-object count and the watchdog (a stale \`watchdog.pid\`, more than one \`git ov watch\` for this repository). Exits 1 when a check fails.

      \`--fix\` repairs what is safe: it (re)initialises, reinstalls the hook shims (keeping your own hooks chained) and removes ref locks old enough that no git process can hold them, removes a stale watchdog pid file and stops watchdogs the pid file does not name.
    `,
    examples: [
      ["Check everything", "git ov doctor"],
      ["Only the hooks, and repair them", "git ov doctor --category hooks --fix"],
      ["Machine-readable", "git ov doctor --json"],
      ["Is exactly one watchdog running?", "git ov doctor --category watchdog"],
    ],
  });

  fix = Option.Boolean("--fix", false, { description: "Repair what is safe to repair" });
  category = Option.String("--category", {
    description: "Run one category: git, setup, hooks, documents, locks, objects, watchdog",
  });

  async run(): Promise<CommandOutput> {
    const { runDoctor, DOCTOR_CATEGORIES } = await import("../../doctor/checks.js");
    if (this.category !== undefined && !DOCTOR_CATEGORIES.includes(this.category)) {
      const { OvError } = await import("../../core/errors.js");
      throw new OvError("USAGE", `unknown doctor category '${this.category}'`, {
        hint: `use one of ${DOCTOR_CATEGORIES.join(", ")}`,
      });
    }
    const { checkWatchdog } = await import("../../watchdog/doctor.js");
    const results = await runDoctor(await this.deps(), {
      fix: this.fix,
      selfBin: this.context.selfBin,
      extraChecks: { watchdog: checkWatchdog },
      ...(this.category ? { category: this.category } : {}),
    });
    const failed = results.filter((r) => r.status === "fail" && !r.fixed).length;
    const mark = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
    const text = results
      .map(
        (r) =>
          `${mark[r.status]} ${r.category}/${r.name}: ${r.message}${r.fixed ? " [fixed]" : r.fix && r.status !== "ok" ? ` (fix: ${r.fix})` : ""}`,
      )
      .join("\n");
    return { data: { ok: failed === 0, checks: results }, text, exitCode: failed === 0 ? 0 : 1 };
  }
}

export const commands = [DoctorCommand];
