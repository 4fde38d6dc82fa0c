import { Command, Option } from "clipanion";
import * as t from "typanion";
import { type CommandOutput, OvCommand } from "../ov-command.js";

export class WatchCommand extends OvCommand {
  static override paths = [["watch"]];
  static override usage = Command.Usage({
    description: "run the watchdog: detect dead and stuck agents, notify parents, deliver stranded mail",
    details: `
      Every tick (default \`watchdog.intervalMs\`, 30 s) the watchdog reads every session and each agent's machine-local liveness (turn lease, turn pid, event log, unread mail) and acts: a turn whose runner died is marked \`zombie\` at once (lease cleaned, runtime killed, \`worker_died\` to the parent); a turn with no runtime event for \`watchdog.staleMs\` climbs the ladder warn → nudge → triage → terminate, one step per \`watchdog.nudgeIntervalMs\`; an agent idle between turns with nothing to wait for is nudged, then escalated to its parent; coordinator/orchestrator/monitor are exempt from time rules; unread mail that no turn picked up is dispatched; a finished run is recorded once.

      One watchdog runs per repository (\`<git-common-dir>/ov/watchdog.pid\`, claimed atomically). \`--background\` detaches and prints the daemon's pid; SIGTERM stops it cleanly. \`--kill-others\` first stops every other \`git ov watch\` of this repository. \`--once\` runs a single tick (for scripts and cron). Actions are logged to \`<git-common-dir>/ov/logs/watchdog.log\`.
    `,
    examples: [
      ["Run in the foreground, printing what it does", "git ov watch"],
      ["Start the daemon in the background", "git ov watch --background"],
      ["One tick, machine-readable", "git ov watch --once --json"],
      [
        "Replace a running watchdog with a faster one",
        "git ov watch --kill-others --background --interval 5000",
      ],
    ],
  });

  interval = Option.String("--interval", {
    description: "Tick interval in ms (default: watchdog.intervalMs)",
    validator: t.cascade(t.isNumber(), t.isAtLeast(100)),
  });
  background = Option.Boolean("--background", false, { description: "Detach and return the daemon's pid" });
  killOthers = Option.Boolean("--kill-others", false, {
    description: "Stop other watchdogs of this repository first",
  });
  once = Option.Boolean("--once", false, { description: "Run one tick and exit" });

  async run(): Promise<CommandOutput> {
    if (this.background && this.once) {
      const { OvError } = await import("../../core/errors.js");
      throw new OvError("USAGE", "--background and --once cannot be combined", {
        hint: "use --once for a single tick in the foreground, or --background for a daemon",
      });
    }
    const deps = await this.deps();
    const { killOtherWatchdogs, watchdogPidPath } = await import("../../watchdog/processes.js");
    const killed = this.killOthers ? await killOtherWatchdogs(deps) : [];
    if (this.killOthers && !this.json) {
      this.context.stderr.write(
        killed.length ? `stopped watchdog pid(s) ${killed.join(", ")}\n` : "no other watchdog found\n",
      );
    }
    const { loadConfig } = await import("../../config/config.js");
    const intervalMs = this.interval ?? (await loadConfig(deps)).num("watchdog.intervalMs");
    const pidFile = watchdogPidPath(deps);
    const { claimOrRefuse, startBackground, runForeground } = await import("./watch-run.js");
    if (this.background) {
      const pid = await startBackground(deps, pidFile, this.context.selfBin, this.interval);
      return {
        data: { pid, intervalMs, pidFile, mode: "background", killed },
        text: `watchdog running in the background (pid ${pid}, every ${intervalMs} ms)`,
      };
    }
    claimOrRefuse(pidFile, process.pid);
    return runForeground(deps, {
      pidFile,
      intervalMs,
      once: this.once,
      json: this.json,
      selfBin: this.context.selfBin,
      stdout: this.context.stdout,
      stderr: this.context.stderr,
      killed,
    });
  }
}

export const commands = [WatchCommand];
