import { OvError } from "../core/errors.js";
import { CatFile, type RawObject } from "./catfile.js";
import { type GitResult, type GitRunOptions, runGit } from "./exec.js";
import { isOid, readLoose } from "./loose.js";
import { ObjectWriter, commitTreeOid } from "./objects.js";
import { type CasMode, Refs } from "./refs.js";
import type { RepoPaths } from "./repo.js";
import { RawTree, type TreeEntry } from "./tree.js";

/** Commits whose tree id is remembered; the map is cleared when it grows past this. */
const COMMIT_CACHE_LIMIT = 4096;
/** Bytes of tree bodies kept (trees are immutable, so a cached one is never stale). */
const TREE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * The git port: everything above `git/` talks to the repository through this object.
 * Objects are written in-process; reads of loose objects by id are in-process too (no IPC on the
 * store's hot path), everything else goes through one `cat-file --batch` co-process.
 */
export class Git {
  readonly repo: RepoPaths;
  readonly refs: Refs;
  readonly objects: ObjectWriter;
  private readonly cat: CatFile;
  private readonly objectsDir: string;
  private readonly treeOfCommit = new Map<string, string>();
  private readonly trees = new Map<string, RawTree>();
  private treeBytes = 0;

  constructor(repo: RepoPaths, casMode: CasMode = "fast") {
    if (repo.objectFormat !== "sha1") {
      throw new OvError("GIT_FAILED", `${repo.commonDir} uses ${repo.objectFormat} object ids`, {
        hint: "git ov supports sha1 repositories only (the git default)",
      });
    }
    this.repo = repo;
    this.refs = new Refs(repo, casMode);
    this.objects = new ObjectWriter(repo.commonDir);
    this.objectsDir = this.objects.dir;
    this.cat = new CatFile(repo.cwd);
  }

  run(args: readonly string[], opts: Partial<GitRunOptions> = {}): Promise<GitResult> {
    return runGit(args, { cwd: this.repo.topLevel ?? this.repo.cwd, ...opts });
  }

  /** Reads an object by id or by any `git cat-file` spec (`<rev>:<path>`); undefined when missing. */
  async readObject(spec: string): Promise<RawObject | undefined> {
    return (isOid(spec) ? readLoose(this.objectsDir, spec) : undefined) ?? this.cat.read(spec);
  }

  /** The bytes at `path` inside `commit`'s tree, walking trees by id; undefined when absent. */
  async readAtPath(commit: string, path: string): Promise<RawObject | undefined> {
    let oid = await this.commitTree(commit);
    const parts = path.split("/").filter((p) => p.length > 0);
    for (const [i, part] of parts.entries()) {
      const entry = (await this.readTree(oid)).find((e) => e.name === part);
      if (!entry || (i < parts.length - 1 && entry.mode !== "40000")) return undefined;
      oid = entry.oid;
    }
    return this.readObject(oid);
  }

  /** The tree id of `commit`; throws INVALID_DOCUMENT when the id names no commit. */
  async commitTree(commit: string): Promise<string> {
    const cached = this.treeOfCommit.get(commit);
    if (cached) return cached;
    const obj = await this.readObject(commit);
    if (obj?.type !== "commit") {
      throw new OvError("INVALID_DOCUMENT", `${commit} is not a commit (${obj?.type ?? "missing"})`, {
        data: { commit },
        hint: `inspect it with: git cat-file -t ${commit}`,
      });
    }
    const tree = commitTreeOid(obj.body);
    if (this.treeOfCommit.size >= COMMIT_CACHE_LIMIT) this.treeOfCommit.clear();
    this.treeOfCommit.set(commit, tree);
    return tree;
  }

  /** Entries of the tree `oid`; throws INVALID_DOCUMENT when it is not a tree. */
  async readTree(oid: string): Promise<TreeEntry[]> {
    return (await this.readRawTree(oid)).entries();
  }

  /** The tree `oid` as an indexed body (cached); throws INVALID_DOCUMENT when it is not a tree. */
  async readRawTree(oid: string): Promise<RawTree> {
    const cached = this.trees.get(oid);
    if (cached) return cached;
    const obj = await this.readObject(oid);
    if (obj?.type !== "tree") {
      throw new OvError("INVALID_DOCUMENT", `${oid} is not a tree (${obj?.type ?? "missing"})`, {
        data: { oid },
      });
    }
    return this.remember(oid, new RawTree(obj.body));
  }

  /** Writes a tree object from its body and keeps it cached for the next read. */
  writeTree(body: Buffer): string {
    const oid = this.objects.write("tree", body);
    this.remember(oid, new RawTree(body));
    return oid;
  }

  private remember(oid: string, tree: RawTree): RawTree {
    if (this.treeBytes + tree.body.length > TREE_CACHE_BYTES) {
      this.trees.clear();
      this.treeBytes = 0;
    }
    this.trees.set(oid, tree);
    this.treeBytes += tree.body.length;
    return tree;
  }

  close(): void {
    this.cat.close();
  }
}
