import { OvError } from "../core/errors.js";
import { canonicalJson, tryParseJson } from "../core/json.js";
import type { Git } from "../git/git.js";
import type { TreeEntry } from "../git/objects.js";

interface Node {
  /** Stored tree id, when this node has not been changed since loading. */
  oid: string | undefined;
  entries: Map<string, Entry> | undefined;
  dirty: boolean;
}

interface Entry {
  mode: TreeEntry["mode"];
  oid: string;
  child?: Node;
}

export interface ListedEntry {
  name: string;
  kind: "file" | "dir";
  oid: string;
}

/**
 * A lazily loaded, editable view of one document's tree. Only the subtrees that are read or
 * changed are loaded, and only changed subtrees are written, so an append to `unread/` costs the
 * same at any history size.
 */
export class TreeDraft {
  private readonly root: Node;
  constructor(
    private readonly git: Git,
    baseTree: string | undefined,
  ) {
    this.root = { oid: baseTree, entries: baseTree ? undefined : new Map(), dirty: false };
  }

  get changed(): boolean {
    return this.root.dirty;
  }

  /** Raw bytes at `path`, or undefined. */
  async read(path: string): Promise<Buffer | undefined> {
    const e = await this.entry(path);
    if (!e || e.mode === "40000") return undefined;
    const obj = await this.git.readObject(e.oid);
    return obj?.body;
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

  /** Entries directly under `dir` ("" for the root); empty when absent. */
  async list(dir: string): Promise<ListedEntry[]> {
    const node = dir === "" ? this.root : await this.nodeAt(split(dir), false);
    if (!node) return [];
    const entries = await this.load(node);
    return [...entries].map(([name, e]) => ({ name, kind: e.mode === "40000" ? "dir" : "file", oid: e.oid }));
  }

  write(path: string, content: string | Buffer): Promise<void> {
    const oid = this.git.objects.blob(content);
    return this.put(path, { mode: "100644", oid });
  }

  writeJson(path: string, value: unknown): Promise<void> {
    return this.write(path, canonicalJson(value));
  }

  /** Places an existing blob (e.g. moving a file) without re-reading it. */
  async putBlob(path: string, oid: string): Promise<void> {
    await this.put(path, { mode: "100644", oid });
  }

  async remove(path: string): Promise<boolean> {
    const parts = split(path);
    const name = parts.pop();
    const parent = await this.nodeAt(parts, false);
    if (!parent || name === undefined) return false;
    const entries = await this.load(parent);
    if (!entries.delete(name)) return false;
    await this.markDirty(parts);
    return true;
  }

  /** Writes every changed subtree and returns the root tree id. */
  writeTree(): string {
    return this.flush(this.root);
  }

  private flush(node: Node): string {
    if (!node.dirty && node.oid) return node.oid;
    const out: TreeEntry[] = [];
    for (const [name, e] of node.entries ?? new Map<string, Entry>()) {
      if (e.child) {
        const oid = this.flush(e.child);
        if ((e.child.entries?.size ?? 1) === 0) continue;
        e.oid = oid;
      }
      out.push({ mode: e.mode, name, oid: e.oid });
    }
    node.oid = this.git.objects.tree(out);
    node.dirty = false;
    return node.oid;
  }

  private async put(path: string, leaf: Entry): Promise<void> {
    const parts = split(path);
    const name = parts.pop();
    if (name === undefined) throw new OvError("INTERNAL", "empty path");
    const parent = await this.nodeAt(parts, true);
    if (!parent) throw new OvError("INTERNAL", `cannot create ${path}`);
    (await this.load(parent)).set(name, leaf);
    await this.markDirty(parts);
  }

  private async markDirty(parts: string[]): Promise<void> {
    let node = this.root;
    node.dirty = true;
    for (const p of parts) {
      const e = (await this.load(node)).get(p);
      if (!e?.child) return;
      node = e.child;
      node.dirty = true;
    }
  }

  private async entry(path: string): Promise<Entry | undefined> {
    const parts = split(path);
    const name = parts.pop();
    const parent = await this.nodeAt(parts, false);
    if (!parent || name === undefined) return undefined;
    return (await this.load(parent)).get(name);
  }

  private async nodeAt(parts: string[], create: boolean): Promise<Node | undefined> {
    let node = this.root;
    for (const p of parts) {
      const entries = await this.load(node);
      let e = entries.get(p);
      if (e?.mode !== "40000") {
        if (!create) return undefined;
        e = { mode: "40000", oid: "", child: { oid: undefined, entries: new Map(), dirty: true } };
        entries.set(p, e);
      }
      if (!e.child) e.child = { oid: e.oid, entries: undefined, dirty: false };
      node = e.child;
    }
    return node;
  }

  private async load(node: Node): Promise<Map<string, Entry>> {
    if (node.entries) return node.entries;
    const map = new Map<string, Entry>();
    if (node.oid)
      for (const e of await this.git.readTree(node.oid)) map.set(e.name, { mode: e.mode, oid: e.oid });
    node.entries = map;
    return map;
  }
}

function split(path: string): string[] {
  return path.split("/").filter((p) => p.length > 0);
}
