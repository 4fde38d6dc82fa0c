import type { CommandClass } from "clipanion";
import type { OvContext } from "./context.js";

type Loader = () => Promise<{ commands: CommandClass<OvContext>[] }>;

/**
 * Command namespaces, loaded lazily: only the namespace that argv names is imported (all of them
 * for `--help`), so a cold `git ov mail send` pays for mail alone. One line per namespace.
 */
export const NAMESPACES: Record<string, Loader> = {
  init: () => import("./commands/init.js"),
  config: () => import("./commands/config.js"),
  doctor: () => import("./commands/doctor.js"),
  hook: () => import("./commands/hook.js"),
  sling: () => import("./commands/sling.js"),
  stop: () => import("./commands/stop.js"),
  guard: () => import("./commands/guard.js"),
  spec: () => import("./commands/spec.js"),
  prime: () => import("./commands/prime.js"),
  worktree: () => import("./commands/worktree.js"),
  clean: () => import("./commands/clean.js"),
  agents: () => import("./commands/agents/index.js"),
  status: () => import("./commands/status.js"),
  run: () => import("./commands/run/index.js"),
  group: () => import("./commands/group/index.js"),
  mail: () => import("./commands/mail/index.js"),
  turn: () => import("./commands/turn.js"),
  nudge: () => import("./commands/nudge.js"),
  merge: () => import("./commands/merge.js"),
  watch: () => import("./commands/watch.js"),
  demo: () => import("./commands/demo.js"),
};
