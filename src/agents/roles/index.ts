import type { Capability } from "../capabilities.js";
import { builder } from "./builder.js";
import { coordinator } from "./coordinator.js";
import { lead } from "./lead.js";
import { merger } from "./merger.js";
import { monitor } from "./monitor.js";
import { orchestrator } from "./orchestrator.js";
import { reviewer } from "./reviewer.js";
import { scout } from "./scout.js";
import { type RoleText, roleContext } from "./shared.js";

const TEXTS: Record<Capability, RoleText> = {
  coordinator,
  orchestrator,
  monitor,
  lead,
  scout,
  builder,
  reviewer,
  merger,
};

/** The role definition shipped with git ov (before any override in refs/ov/config). */
export function defaultRoleText(cap: Capability): string {
  return TEXTS[cap](roleContext(cap));
}
