import { ALLOW, type BashContext, type GuardDecision, type LeadGateFacts, block } from "./types.js";

/** The value of `--type` in an argument list (`--type x` or `--type=x`). */
function typeFlag(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--type") return args[i + 1];
    if (a.startsWith("--type=")) return a.slice(7);
  }
  return undefined;
}

/** True when this `git ov …` / tracker call is the lead finishing its task (what the close gate guards). */
export function isLeadFinish(kind: "ov" | "tracker", args: readonly string[], task: string): boolean {
  if (kind === "ov") {
    const type = typeFlag(args);
    return args[0] === "mail" && args[1] === "send" && (type === "worker_done" || type === "result");
  }
  return args[0] === "close" && args.slice(1).includes(task);
}

/**
 * The lead close gate: a lead may finish only after handing over (merge_ready) every branch its
 * workers reported done, and at least one.
 */
export function leadGate(facts: LeadGateFacts | undefined): GuardDecision {
  if (!facts)
    return block(
      "lead-close-gate",
      "lead close gate could not read your mail history; try again, or report with --type error",
    );
  const { mergeReadySent: mr, workerDoneReceived: wd } = facts;
  if (mr === 0 || mr < wd) {
    return block(
      "lead-close-gate",
      `lead close gate: you sent ${mr} merge_ready for ${wd} worker_done received; send merge_ready for each verified branch first (or report a blocker with --type error)`,
    );
  }
  return ALLOW;
}

/** `git ov …` is always allowed, except a lead's terminal mail, which passes the close gate. */
export function checkOv(args: readonly string[], ctx: BashContext): GuardDecision {
  if (ctx.agent.capability === "lead" && isLeadFinish("ov", args, ctx.agent.task)) return leadGate(ctx.facts);
  return ALLOW;
}

/** Tracker CLIs (seeds `sd`, beads `bd`): an agent closes or re-statuses only its own task. */
export function checkTracker(args: readonly string[], ctx: BashContext): GuardDecision {
  const verb = args[0];
  // Task ids come before the first option (`sd close a b --reason "…"`).
  const firstFlag = args.findIndex((a, i) => i > 0 && a.startsWith("-"));
  const ids = args.slice(1, firstFlag < 0 ? undefined : firstFlag);
  const touches =
    verb === "close" ||
    (verb === "update" && args.some((a) => a === "--status" || a.startsWith("--status=")));
  if (!touches) return ALLOW;
  const target = verb === "update" ? ids.slice(0, 1) : ids;
  const foreign = target.find((id) => id !== ctx.agent.task);
  if (foreign !== undefined)
    return block(
      "tracker-close",
      `you may only close or re-status your own task ${ctx.agent.task}, not ${foreign}`,
    );
  if (ctx.agent.capability === "lead" && isLeadFinish("tracker", args, ctx.agent.task))
    return leadGate(ctx.facts);
  return ALLOW;
}
