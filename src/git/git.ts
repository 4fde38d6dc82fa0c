import { runGit, type GitResult, type GitRunOptions } from "./exec.js";
import { CatFile, type RawObject } from "./catfile.js";
import { ObjectWriter, commitTreeOid, parseTree, type TreeEntry } from "./objects.js";
import { type CasMode, Refs } from "./refs.js";
import type { RepoPaths } from "./repo.js";

/**
 * The git port: everything above `git/` talks to the repository through this object.
 * Objects are written in-process; reads go through one `cat-file --batch` co-process.
 */
export class Git {
  readonly repo: RepoPaths;
  readonly refs: Refs;
  readonly objects: ObjectWriter;
  private readonly cat: CatFile;
  private readonly treeOfCommit = new Map<string, string>();

  constructor(repo: RepoPaths, casMode: CasMode = "fast") {
    this.repo = repo;
    this.refs = new Refs(repo, casMode);
    this.objects = new ObjectWriter(repo.commonDir);
    this.cat = new CatFile(repo.cwd);
  }

  run(args: readonly string[], opts: Partial<GitRunOptions> = {}): Promise<GitResult> {
    return runGit(args, { cwd: this.repo.topLevel ?? this.repo.cwd, ...opts });
  }

  readObject(spec: string): Promise<RawObject | undefined> {
    return this.cat.read(spec);
  }

  async commitTree(commit: string): Promise<string> {
    const cached = this.treeOfCommit.get(commit);
    if (cached) return cached;
    const obj = await this.cat.read(commit);
    if (obj?.type !== "commit") throw new Error(`not a commit: ${commit}`);
    const tree = commitTreeOid(obj.body);
    this.treeOfCommit.set(commit, tree);
    return tree;
  }

  async readTree(oid: string): Promise<TreeEntry[]> {
    const obj = await this.cat.read(oid);
    if (obj?.type !== "tree") throw new Error(`not a tree: ${oid}`);
    return parseTree(obj.body);
  }

  close(): void {
    this.cat.close();
  }
}
