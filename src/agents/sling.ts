import type { Runtime } from "../runtimes/types.js";
import type { Deps } from "../store/deps.js";
import { type SlingResult, type SlingServices, applySling } from "./sling/apply.js";
import { type SlingInput, type SlingPlan, planSling } from "./sling/plan.js";

export type { SlingInput, SlingPlan, SlingResult, SlingServices };

/**
 * `git ov sling`: validate everything first (nothing is written on refusal), then create the
 * branch, worktree, overlay, guards and session, and hand the first turn to the turn engine.
 */
export async function sling(
  deps: Deps,
  input: SlingInput,
  svc: SlingServices & { resolveRuntime(name: string): Promise<Runtime> },
): Promise<{ plan: SlingPlan; result: SlingResult }> {
  const plan = await planSling(deps, input, svc.resolveRuntime);
  const result = await applySling(deps, plan, svc);
  return { plan, result };
}
