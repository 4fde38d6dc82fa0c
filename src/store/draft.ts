import { OvError } from "../core/errors.js";
import { canonicalJson, tryParseJson } from "../core/json.js";
import type { Git } from "../git/git.js";
import { type RawTree, type TreeEntry, serializeTree } from "../git/tree.js";

/** One directory of the draft: the stored tree (if any) plus the changes made to it. */
interface Node {
  /** Stored tree id; undefined for a new directory. */
  oid: string | undefined;
  raw: RawTree | undefined;
  /** Overlay over `raw`: name → new entry, or null for removed. */
  changes: Map<string, TreeEntry | null>;
  /** Subdirectories opened through this node, by name. */
  children: Map<string, Node>;
  dirty: boolean;
}

export interface ListedEntry {
  name: string;
  kind: "file" | "dir";
  oid: string;
}

const newNode = (oid: string | undefined): Node => ({
  oid,
  raw: undefined,
  changes: new Map(),
  children: new Map(),
  dirty: false,
});

/**
 * A lazily loaded, editable view of one document's tree. Only the directories on the paths that
 * are read or changed are loaded, lookups are binary searches in the stored tree, and a write copies
 * the untouched bytes of each changed directory, so an update costs about the same at 100 or 50,000
 * files (plus the bytes copied).
 */
export class TreeDraft {
  private readonly root: Node;
  constructor(
    private readonly git: Git,
    baseTree: string | undefined,
  ) {
    this.root = newNode(baseTree);
  }

  get changed(): boolean {
    return this.root.dirty;
  }

  /** Raw bytes at `path`, or undefined. */
  async read(path: string): Promise<Buffer | undefined> {
    const e = await this.entry(path);
    if (!e || e.mode === "40000") return undefined;
    return (await this.git.readObject(e.oid))?.body;
  }

  async readText(path: string): Promise<string | undefined> {
    return (await this.read(path))?.toString("utf8");
  }

  /** Parsed JSON at `path` (unvalidated: callers validate), or undefined if absent. */
  async readJson(
    path: string,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: string } | undefined> {
    const text = await this.readText(path);
    return text === undefined ? undefined : tryParseJson(text);
  }

  async has(path: string): Promise<boolean> {
    return (await this.entry(path)) !== undefined;
  }

  /** Entries directly under `dir` ("" for the root), sorted by name; empty when absent. */
  async list(dir: string): Promise<ListedEntry[]> {
    const node = await this.nodeAt(split(dir), false);
    if (!node) return [];
    const all = new Map((await this.stored(node)).map((e) => [e.name, e] as const));
    for (const [name, e] of node.changes) {
      if (e) all.set(name, e);
      else all.delete(name);
    }
    return [...all.values()]
      .map((e) => ({
        name: e.name,
        kind: e.mode === "40000" ? ("dir" as const) : ("file" as const),
        oid: e.oid,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  write(path: string, content: string | Buffer): Promise<void> {
    const oid = this.git.objects.blob(content);
    return this.putBlob(path, oid);
  }

  writeJson(path: string, value: unknown): Promise<void> {
    return this.write(path, canonicalJson(value));
  }

  /** Places an existing blob (e.g. moving a file) without re-reading it. */
  async putBlob(path: string, oid: string): Promise<void> {
    const parts = split(path);
    const name = parts.pop();
    if (name === undefined) throw new OvError("INTERNAL", "empty path");
    const parent = await this.nodeAt(parts, true);
    if (!parent) throw new OvError("INTERNAL", `cannot create ${path}`);
    await this.load(parent);
    parent.children.delete(name);
    parent.changes.set(name, { mode: "100644", name, oid });
    await this.markDirty(parts);
  }

  /** Removes the file (or directory) at `path`; false when there was nothing. */
  async remove(path: string): Promise<boolean> {
    const parts = split(path);
    const name = parts.pop();
    const parent = await this.nodeAt(parts, false);
    if (!parent || name === undefined || !(await this.lookup(parent, name))) return false;
    parent.children.delete(name);
    parent.changes.set(name, null);
    await this.markDirty(parts);
    return true;
  }

  /** Writes every changed directory and returns the root tree id. */
  writeTree(): string {
    return this.flush(this.root).oid;
  }

  private flush(node: Node): { oid: string; empty: boolean } {
    if (!node.dirty && node.oid) return { oid: node.oid, empty: (node.raw?.size ?? 1) === 0 };
    for (const [name, child] of node.children) {
      if (!child.dirty) continue;
      const out = this.flush(child);
      node.changes.set(name, out.empty ? null : { mode: "40000", name, oid: out.oid });
    }
    // Every dirty node with a stored tree was loaded on the way down (lookup/load), as flush is sync.
    if (node.oid && !node.raw) throw new OvError("INTERNAL", "a changed directory was not loaded");
    const body = node.raw ? node.raw.apply(node.changes) : this.applyToNew(node.changes);
    node.oid = this.git.writeTree(body);
    node.raw = undefined;
    node.changes.clear();
    node.children.clear();
    node.dirty = false;
    return { oid: node.oid, empty: body.length === 0 };
  }

  private applyToNew(changes: Map<string, TreeEntry | null>): Buffer {
    const entries = [...changes.values()].filter((e): e is TreeEntry => e !== null);
    return entries.length === 0 ? Buffer.alloc(0) : serializeTree(entries);
  }

  private async markDirty(parts: string[]): Promise<void> {
    let node = this.root;
    node.dirty = true;
    for (const p of parts) {
      const child = node.children.get(p);
      if (!child) return;
      node = child;
      node.dirty = true;
    }
  }

  private async entry(path: string): Promise<TreeEntry | undefined> {
    const parts = split(path);
    const name = parts.pop();
    const parent = await this.nodeAt(parts, false);
    if (!parent || name === undefined) return undefined;
    return this.lookup(parent, name);
  }

  /** The entry `name` of a directory node, with its changes applied. */
  private async lookup(node: Node, name: string): Promise<TreeEntry | undefined> {
    if (node.changes.has(name)) return node.changes.get(name) ?? undefined;
    return (await this.load(node))?.find(name);
  }

  /** The node's stored tree, loaded once; undefined for a new directory. */
  private async load(node: Node): Promise<RawTree | undefined> {
    if (node.oid && !node.raw) node.raw = await this.git.readRawTree(node.oid);
    return node.raw;
  }

  private async nodeAt(parts: string[], create: boolean): Promise<Node | undefined> {
    let node = this.root;
    for (const p of parts) {
      let child = node.children.get(p);
      if (!child) {
        const e = await this.lookup(node, p);
        if (e?.mode === "40000") child = newNode(e.oid);
        else if (create) {
          child = newNode(undefined);
          child.dirty = true;
        } else return undefined;
        node.children.set(p, child);
      }
      node = child;
    }
    return node;
  }

  /** The stored entries of a node (none for a new directory). */
  private async stored(node: Node): Promise<TreeEntry[]> {
    return (await this.load(node))?.entries() ?? [];
  }
}

function split(path: string): string[] {
  return path.split("/").filter((p) => p.length > 0);
}
