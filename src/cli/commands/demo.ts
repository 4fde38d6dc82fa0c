import { Command, Option } from "clipanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class DemoCommand extends OvCommand {
  static override paths = [["demo"]];
  static override usage = Command.Usage({
    description: "watch a small swarm do real work in a scratch repository",
    details: `
      Creates a scratch repository holding a tiny JavaScript project (\`src/text.js\`, tested by \`node test.js\`), runs \`git ov init\`, and slings a lead. The lead slings two builders; each edits the module and its test, commits, and sends \`worker_done\` to the lead; the lead then sends \`merge_ready\` for both branches; the demo (as the operator) runs \`git ov merge --all\`, which lands both branches, the second one through tier-2 auto-resolve because both builders appended at the same place; the lead, woken by the \`merged\` mails, reports \`worker_done\`. Finally the project's tests run on the merged \`main\`.

      Progress lines show agents changing state and mail landing, read from the refs as they move. Then come the checks (exit 1 if any failed) and the plain-git commands to inspect everything. The repository is kept.

      \`--runtime scripted\` (default) needs nothing but Node and git: deterministic agents follow JSON scripts. \`--runtime claude\` runs the same swarm with Claude Code (installed and logged in; see \`runtime.claude.*\` in the README); it takes minutes and costs tokens.
    `,
    examples: [
      ["Run the demo in a temp dir", "git ov demo"],
      ["Keep it somewhere you choose", "git ov demo --dir ./ov-demo"],
      ["The same swarm with Claude Code", "git ov demo --runtime claude"],
      ["Checks as JSON (progress on stderr)", "git ov demo --json"],
    ],
  });

  runtime = Option.String("--runtime", "scripted", { description: "scripted (default) or claude" });
  dir = Option.String("--dir", { description: "Create the scratch repository here (new or empty)" });
  timeout = Option.String("--timeout", {
    description: "Seconds the swarm may take (default 120; 1800 with claude)",
  });

  async run(): Promise<CommandOutput> {
    const { OvError } = await import("../../core/errors.js");
    if (this.runtime !== "scripted" && this.runtime !== "claude")
      throw new OvError("USAGE", `unknown demo runtime '${this.runtime}'`, {
        hint: "use --runtime scripted or --runtime claude",
      });
    const secs = this.timeout === undefined ? (this.runtime === "claude" ? 1800 : 120) : Number(this.timeout);
    if (!Number.isFinite(secs) || secs <= 0)
      throw new OvError("USAGE", `--timeout must be a positive number of seconds, not '${this.timeout}'`);
    const { runDemo } = await import("../../demo/run.js");
    const { renderReport } = await import("../../demo/report.js");
    const { systemClock } = await import("../../sys/clock.js");
    const out = this.json ? this.context.stderr : this.context.stdout;
    const r = await runDemo({
      runtime: this.runtime,
      ...(this.dir !== undefined ? { dir: this.dir } : {}),
      cwd: this.context.cwd,
      selfBin: this.context.selfBin,
      env: this.context.env,
      clock: systemClock,
      timeoutMs: secs * 1000,
      log: (line) => out.write(`${line}\n`),
    });
    return {
      data: {
        ok: r.ok,
        dir: r.dir,
        runtime: r.runtime,
        durationMs: r.durationMs,
        stopped: r.stopped ?? null,
        checks: r.checks,
        agents: r.snap.sessions.map((s) => ({
          name: s.name,
          capability: s.capability,
          state: s.state,
          branch: s.branch,
        })),
        messages: r.snap.mail.length,
      },
      text: renderReport(r),
      exitCode: r.ok ? 0 : 1,
    };
  }
}

export const commands = [DemoCommand];
