import { OvError } from "../core/errors.js";
import { taskId } from "../core/ids.js";
import { canonicalJson } from "../core/json.js";
import { isoTime } from "../sys/clock.js";
import { randomToken } from "../sys/random.js";
import type { Deps } from "../store/deps.js";
import { listDocs, parseDoc } from "../store/documents.js";
import type { TreeDraft } from "../store/draft.js";
import { type DocProblem, invalidDocument } from "../store/store.js";
import { type Validator, arrayOf, nullable, oneOf, shape, str } from "../store/validate.js";
import { byText } from "./format.js";

export const GROUPS_PREFIX = "refs/ov/groups/";
export const GROUP_FILE = "group.json";
export const GROUP_STATUSES = ["active", "completed"] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

/** A task group: `refs/ov/groups/<id>` → `group.json`. Members are task ids (we have no external tracker). */
export interface TaskGroup {
  v: 1;
  id: string;
  name: string;
  members: string[];
  status: GroupStatus;
  createdAt: string;
  completedAt: string | null;
}

export const groupValidator: Validator<TaskGroup> = shape<TaskGroup>({
  v: () => 1,
  id: str,
  name: str,
  members: arrayOf(str),
  status: oneOf(GROUP_STATUSES),
  createdAt: str,
  completedAt: nullable(str),
});

/** The ref of one group. */
export function groupRef(id: string): string {
  return `${GROUPS_PREFIX}${id}`;
}

/** `group-` + 8 random characters, like the reference's UUID prefix. */
export function newGroupId(): string {
  return `group-${randomToken(8)}`;
}

/** Every group, oldest first; corrupt documents come back as problems. */
export async function listGroups(deps: Deps): Promise<{ groups: TaskGroup[]; problems: DocProblem[] }> {
  const { docs, problems } = await listDocs(deps.store, GROUPS_PREFIX, GROUP_FILE, groupValidator);
  const groups: TaskGroup[] = [];
  for (const d of docs) {
    if (groupRef(d.value.id) === d.ref) groups.push(d.value);
    else
      problems.push({
        ref: d.ref,
        commit: d.commit,
        path: GROUP_FILE,
        problem: "$.id disagrees with the ref",
      });
  }
  groups.sort((a, b) => byText(a.createdAt, b.createdAt) || byText(a.id, b.id));
  return { groups, problems };
}

/**
 * Finds a group by id or name: an exact id wins; else the one group with that name; else, among
 * several with that name, the single active one; else an ambiguous-name error listing the ids.
 */
export function resolveGroup(groups: readonly TaskGroup[], idOrName: string): TaskGroup {
  const byId = groups.find((g) => g.id === idOrName);
  if (byId) return byId;
  const named = groups.filter((g) => g.name === idOrName);
  if (named.length === 1) return named[0]!;
  const active = named.filter((g) => g.status === "active");
  if (active.length === 1) return active[0]!;
  if (named.length > 1) {
    const ids = named.map((g) => g.id);
    throw new OvError("GROUP", `group name '${idOrName}' is ambiguous: ${ids.join(", ")}`, {
      data: { name: idOrName, ids },
      hint: "use the group id",
    });
  }
  throw new OvError("NOT_FOUND", `no group with id or name '${idOrName}'`, {
    data: { group: idOrName },
    hint: "git ov group list shows the groups",
  });
}

/** Creates a group (active). Throws GROUP on a blank name, no members or a duplicate member. */
export async function createGroup(deps: Deps, name: string, members: readonly string[]): Promise<TaskGroup> {
  const trimmed = name.trim();
  if (trimmed === "")
    throw groupError("a group needs a non-blank name", "git ov group create <name> <task>...");
  const ids = checkedTasks(members);
  if (ids.length === 0)
    throw groupError("a group needs at least one member task", "name one or more task ids");
  const group: TaskGroup = {
    v: 1,
    id: newGroupId(),
    name: trimmed,
    members: ids,
    status: "active",
    createdAt: isoTime(deps.clock.now()),
    completedAt: null,
  };
  await deps.store.update(groupRef(group.id), async (draft) => {
    if (await draft.has(GROUP_FILE)) throw new OvError("ALREADY_EXISTS", `group ${group.id} already exists`);
    await draft.write(GROUP_FILE, canonicalJson(group));
    return {
      write: groupNote(group, `created '${group.name}' with ${ids.length} member(s)`, "group-create"),
      value: 0,
    };
  });
  return group;
}

/** Adds member tasks (none may already be a member); re-opens a completed group. */
export async function addMembers(
  deps: Deps,
  idOrName: string,
  members: readonly string[],
): Promise<TaskGroup> {
  const ids = checkedTasks(members);
  if (ids.length === 0)
    throw groupError("name at least one task to add", "git ov group add <group> <task>...");
  return changeGroup(deps, idOrName, "group-add", (g) => {
    const dup = ids.filter((t) => g.members.includes(t));
    if (dup.length > 0)
      throw groupError(`already in group '${g.name}': ${dup.join(", ")}`, "add only new tasks");
    const reopen = g.status === "completed" ? " (re-opened)" : "";
    const next: TaskGroup = { ...g, members: [...g.members, ...ids], status: "active", completedAt: null };
    return { next, what: `added ${ids.join(", ")}${reopen}` };
  });
}

/** Removes member tasks (each must be a member; at least one must remain). */
export async function removeMembers(
  deps: Deps,
  idOrName: string,
  members: readonly string[],
): Promise<TaskGroup> {
  const ids = checkedTasks(members);
  if (ids.length === 0)
    throw groupError("name at least one task to remove", "git ov group remove <group> <task>...");
  return changeGroup(deps, idOrName, "group-remove", (g) => {
    const missing = ids.filter((t) => !g.members.includes(t));
    if (missing.length > 0)
      throw groupError(
        `not in group '${g.name}': ${missing.join(", ")}`,
        "git ov group status shows the members",
      );
    const rest = g.members.filter((t) => !ids.includes(t));
    if (rest.length === 0) {
      throw groupError(`cannot remove every member of group '${g.name}'`, "a group keeps at least one task");
    }
    return { next: { ...g, members: rest }, what: `removed ${ids.join(", ")}` };
  });
}

/**
 * Resolves the group on a fresh listing, then applies `fn` with CAS on its ref (re-applied if
 * another writer got there first). `fn` throws to refuse; nothing is written then.
 */
export async function changeGroup(
  deps: Deps,
  idOrName: string,
  op: string,
  fn: (g: TaskGroup) => { next: TaskGroup; what: string } | undefined,
): Promise<TaskGroup> {
  const { groups } = await listGroups(deps);
  const target = resolveGroup(groups, idOrName);
  const ref = groupRef(target.id);
  const out = await deps.store.update<TaskGroup>(ref, async (draft, ctx) => {
    const cur = await readGroupIn(draft, ref, ctx.tip);
    if (!cur)
      throw new OvError("NOT_FOUND", `group ${target.id} was removed`, { data: { group: target.id } });
    const change = fn(cur);
    if (!change) return { write: false, value: cur };
    await draft.write(GROUP_FILE, canonicalJson(change.next));
    return { write: groupNote(change.next, change.what, op), value: change.next };
  });
  return out.value;
}

async function readGroupIn(
  draft: TreeDraft,
  ref: string,
  tip: string | undefined,
): Promise<TaskGroup | undefined> {
  const res = parseDoc(await draft.readText(GROUP_FILE), groupValidator, {
    ref,
    commit: tip,
    path: GROUP_FILE,
  });
  if (!res) return undefined;
  if (!res.ok) throw invalidDocument(res.problem);
  return res.value;
}

function checkedTasks(members: readonly string[]): string[] {
  const ids = members.map((m) => taskId(m.trim()));
  const dup = ids.filter((t, i) => ids.indexOf(t) !== i);
  if (dup.length > 0)
    throw groupError(`duplicate member task: ${[...new Set(dup)].join(", ")}`, "name each task once");
  return ids;
}

function groupError(message: string, hint: string): OvError {
  return new OvError("GROUP", message, { hint });
}

function groupNote(g: TaskGroup, what: string, op: string) {
  return { subject: `group ${g.name}: ${what}`, trailers: { "Ov-Op": op, "Ov-Group": g.id } };
}
