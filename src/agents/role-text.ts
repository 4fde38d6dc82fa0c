import { CONFIG_REF } from "../config/config.js";
import { OvError } from "../core/errors.js";
import { nearest } from "../core/text.js";
import type { Deps } from "../store/deps.js";
import { CAPABILITIES, type Capability, isCapability } from "./capabilities.js";
import { defaultRoleText } from "./roles/index.js";

/** Where a role override lives inside the refs/ov/config tree. */
export function overridePath(cap: Capability): string {
  return `agents/${cap}.md`;
}

/** Validates a role name; throws USAGE listing the roles. */
export function requireRole(name: string): Capability {
  if (isCapability(name)) return name;
  const near = nearest(name, CAPABILITIES);
  throw new OvError("USAGE", `unknown role '${name}'`, {
    data: { role: name },
    hint: `${near ? `did you mean '${near}'? ` : ""}roles: ${CAPABILITIES.join(", ")}`,
  });
}

export interface EffectiveRole {
  role: Capability;
  text: string;
  source: "default" | "override";
  /** Commit of refs/ov/config holding the override. */
  commit: string | undefined;
}

/** The role text agents get: the override in refs/ov/config if present, else the shipped default. */
export async function effectiveRole(deps: Deps, cap: Capability): Promise<EffectiveRole> {
  const tip = await deps.git.refs.read(CONFIG_REF);
  if (tip) {
    const obj = await deps.git.readObject(`${tip}:${overridePath(cap)}`);
    if (obj?.type === "blob") {
      const text = obj.body.toString("utf8");
      if (text.trim() !== "") return { role: cap, text, source: "override", commit: tip };
    }
  }
  return { role: cap, text: defaultRoleText(cap), source: "default", commit: undefined };
}

/** Stores an override (blank text is refused: use reset). Returns the new config commit. */
export async function setRoleOverride(
  deps: Deps,
  cap: Capability,
  text: string,
  who: string,
): Promise<string> {
  if (text.trim() === "") {
    throw new OvError("USAGE", `empty role text for '${cap}'`, {
      hint: `pass the text with --file <path> or on stdin; git ov agents reset ${cap} restores the default`,
    });
  }
  const body = text.endsWith("\n") ? text : `${text}\n`;
  const out = await deps.store.update(CONFIG_REF, async (draft) => {
    if ((await draft.readText(overridePath(cap))) === body) return { write: false, value: undefined };
    await draft.write(overridePath(cap), body);
    return {
      write: {
        subject: `agents: override ${cap} role text`,
        trailers: { "Ov-Op": "role-edit", "Ov-Role": cap, "Ov-Agent": who },
      },
      value: undefined,
    };
  });
  return out.commit ?? (await deps.git.refs.read(CONFIG_REF)) ?? "";
}

/** Removes an override; returns false when there was none. */
export async function resetRole(deps: Deps, cap: Capability, who: string): Promise<boolean> {
  const out = await deps.store.update(CONFIG_REF, async (draft) => {
    if (!(await draft.remove(overridePath(cap)))) return { write: false, value: false };
    return {
      write: {
        subject: `agents: reset ${cap} role text to the default`,
        trailers: { "Ov-Op": "role-reset", "Ov-Role": cap, "Ov-Agent": who },
      },
      value: true,
    };
  });
  return out.value;
}
