import { MERGE_DOCUMENT_KINDS } from "../merge/doctor.js";

export type { DocumentKind } from "../setup/contracts.js";
import type { DocumentKind } from "../setup/contracts.js";

// Checks import their domain lazily, so loading doctor does not load every domain.
export const DOCUMENT_KINDS: DocumentKind[] = [
  {
    name: "sessions",
    prefix: "refs/ov/sessions/",
    check: async (deps) => (await import("../sessions/doctor.js")).sessionProblems(deps),
  },
  {
    name: "runs",
    prefix: "refs/ov/runs/",
    check: async (deps) => (await import("../sessions/doctor.js")).runProblems(deps),
  },
  {
    name: "groups",
    prefix: "refs/ov/groups/",
    check: async (deps) => (await import("../sessions/doctor.js")).groupProblems(deps),
  },
  {
    name: "mail",
    prefix: "refs/ov/mail/",
    check: async (deps) => (await import("../mail/doctor.js")).checkMailDocuments(deps),
  },
  ...MERGE_DOCUMENT_KINDS,
];
