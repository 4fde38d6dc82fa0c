import { Command, Option, UsageError } from "clipanion";
import { OvError, exitCodeFor, messageOf } from "../core/errors.js";
import { type Deps, openDeps } from "../store/deps.js";
import type { OvContext } from "./context.js";
import { mailDispatcher } from "./dispatcher.js";
import { withMailDispatch } from "../mail/dispatch.js";

/** What a command's `run()` returns: data for `--json`, text for humans, and an exit code. */
export interface CommandOutput {
  data?: Record<string, unknown>;
  /** NDJSON lines for list/stream outputs (printed instead of one object when present). */
  lines?: readonly unknown[];
  text?: string;
  exitCode?: number;
}

/**
 * Base of every git ov command: `run()` does the work and returns data; `execute()` renders human
 * or JSON output, maps errors to exit codes and never lets clipanion print to stdout on error.
 */
export abstract class OvCommand extends Command<OvContext> {
  json = Option.Boolean("--json", false, { description: "Print machine-readable JSON on stdout" });

  private openedDeps: Deps | undefined;

  abstract run(): Promise<CommandOutput>;

  /** The label used in JSON envelopes, e.g. "mail send". */
  protected label(): string {
    return this.path.join(" ");
  }

  /** Opens the repository (once per command). */
  protected async deps(): Promise<Deps> {
    if (!this.openedDeps) {
      const deps = await openDeps(this.context.cwd, { env: this.context.env });
      this.openedDeps = withMailDispatch(deps, mailDispatcher(this.context.selfBin));
    }
    return this.openedDeps;
  }

  override async execute(): Promise<number> {
    try {
      const out = await this.run();
      this.render(out);
      return out.exitCode ?? 0;
    } catch (e) {
      return this.fail(e);
    } finally {
      this.openedDeps?.git.close();
    }
  }

  private render(out: CommandOutput): void {
    if (this.json) {
      if (out.lines) for (const l of out.lines) this.context.stdout.write(`${JSON.stringify(l)}\n`);
      else
        this.context.stdout.write(
          `${JSON.stringify({ success: true, command: this.label(), ...(out.data ?? {}) })}\n`,
        );
      return;
    }
    if (out.text) this.context.stdout.write(out.text.endsWith("\n") ? out.text : `${out.text}\n`);
  }

  protected fail(e: unknown): number {
    const err =
      e instanceof OvError
        ? e
        : e instanceof UsageError
          ? new OvError("USAGE", e.message)
          : new OvError("INTERNAL", messageOf(e), { cause: e });
    if (this.json) {
      this.context.stdout.write(
        `${JSON.stringify({ success: false, command: this.label(), error: err.toJSON() })}\n`,
      );
    } else {
      this.context.stderr.write(`${formatError(err)}\n`);
      if (err.code === "INTERNAL" && this.context.env.GIT_OV_DEBUG && e instanceof Error) {
        this.context.stderr.write(`${e.stack ?? ""}\n`);
      }
    }
    return exitCodeFor(err.code);
  }
}

/** One line: what is wrong, then the fix. */
export function formatError(err: OvError): string {
  return `git ov: error: ${err.message}${err.hint ? ` (${err.hint})` : ""}`;
}
