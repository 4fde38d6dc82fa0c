import { messageOf } from "../core/errors.js";
import type { Deps } from "../store/deps.js";
import type { MailType, Priority } from "./types.js";

/** What landed: one copy per recipient, in the same order. */
export interface DeliveredMail {
  from: string;
  recipients: string[];
  ids: string[];
  type: MailType;
  priority: Priority;
}

/** Wakes recipients after their mail landed (starts or marks a turn). Must be idempotent. */
export type MailDispatcher = (deps: Deps, mail: DeliveredMail) => Promise<void>;

/**
 * Deps that may carry a dispatcher. The composition root (CLI, serve, turn runner) sets
 * `mailDispatch`; mail cannot import the turn engine (it sits above the domain), so it is injected.
 */
export type DispatchingDeps = Deps & { mailDispatch?: MailDispatcher };

/** Attaches a dispatcher to deps (returns the same object, for chaining). */
export function withMailDispatch<D extends Deps>(deps: D, dispatcher: MailDispatcher): D & DispatchingDeps {
  (deps as DispatchingDeps).mailDispatch = dispatcher;
  return deps;
}

/**
 * Called by every mail write path after a successful send. Uses `override`, else `deps.mailDispatch`,
 * else does nothing. Never throws: the mail has landed; a failed wake-up is returned for reporting
 * (the watchdog's sweep picks up unread mail that no turn took).
 */
export async function dispatchMail(
  deps: Deps,
  mail: DeliveredMail,
  override?: MailDispatcher,
): Promise<string | undefined> {
  const dispatcher = override ?? (deps as DispatchingDeps).mailDispatch;
  if (!dispatcher || mail.recipients.length === 0) return undefined;
  try {
    await dispatcher(deps, mail);
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}
