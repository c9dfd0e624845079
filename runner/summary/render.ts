/**
 * One Markdown comment for a pull request that covers every previewed tenant stack, ordered by what
 * a reviewer must see first: a count table per stack; then every deletion and replacement of a
 * project, branch or snapshot (data loss), loud and never cut; failures and warnings; then the other
 * changes with the properties that change, collapsed per stack. It stays under GitHub's 65,536
 * characters by cutting the least important parts first (property details of creates, then all
 * property details, then the per-stack lists), and says what it cut. A hidden marker on the first
 * line lets the workflow find and update its one comment. No terminal colour codes. Pure.
 */
import { changeCounts, type ChangeOp, type PropertyChange, type ResourceChange, type StackPreview } from "./stackPreview";

/** GitHub refuses comment bodies longer than this (characters). */
export const githubCommentLimit = 65_536;
/** The marker that identifies our comment (first line, invisible in the rendered comment). */
export const summaryMarker = "<!-- neon-pulumi-dynamic:preview-summary -->";

export interface SummaryOptions {
  /** Default: GitHub's limit less a margin. */
  readonly maxLength?: number;
  /** A link to the full run (the workflow log), offered where details were cut. */
  readonly runUrl?: string;
  /** e.g. the commit previewed. */
  readonly title?: string;
}

const opColumns: readonly ChangeOp[] = ["create", "update", "replace", "delete"];
const opVerb: Record<ChangeOp, string> = { create: "create", update: "update", replace: "replace", delete: "delete", import: "import" };

/** Detail levels, from everything to the least that is still useful. */
type Detail = "all" | "no-create-properties" | "no-properties" | "names-only";

export function hasChanges(previews: readonly StackPreview[]): boolean {
  return previews.some((p) => p.changes.length > 0 || p.failure !== undefined);
}

export function renderSummary(previews: readonly StackPreview[], options: SummaryOptions = {}): string {
  const limit = Math.min(options.maxLength ?? githubCommentLimit - 536, githubCommentLimit);
  const sorted = [...previews].sort((a, b) => a.stack.localeCompare(b.stack) || a.project.localeCompare(b.project));
  for (const detail of ["all", "no-create-properties", "no-properties", "names-only"] as const) {
    const body = compose(sorted, detail, options);
    if (body.length <= limit) return body;
  }
  // Even without per-stack lists the must-show parts (table, data loss, failures) are too long:
  // cut them at the limit, and say so where the cut falls.
  const body = compose(sorted, "names-only", options);
  const note = `\n\n**The summary is cut here: it exceeds GitHub's comment limit.**${options.runUrl ? ` The full preview is in [the workflow run](${options.runUrl}).` : ""}\n`;
  return body.slice(0, limit - note.length) + note;
}

function compose(previews: readonly StackPreview[], detail: Detail, options: SummaryOptions): string {
  const changed = previews.filter((p) => p.changes.length > 0);
  const failed = previews.filter((p) => p.failure !== undefined);
  const parts: string[] = [summaryMarker];
  parts.push(`## Pulumi preview of ${previews.length} tenant stack${previews.length === 1 ? "" : "s"}${options.title ? `: ${escape(options.title)}` : ""}`);
  parts.push(headline(previews, changed, failed));
  if (previews.length > 0) parts.push(countTable(previews));

  const dataLoss = previews.flatMap((p) => p.changes.filter((c) => c.losesData).map((c) => ({ preview: p, change: c })));
  if (dataLoss.length > 0) {
    parts.push(
      `### :warning: Data loss: ${dataLoss.length} deletion${dataLoss.length === 1 ? "" : "s"} or replacement${dataLoss.length === 1 ? "" : "s"}\n` +
        "Deleting or replacing a project, branch or snapshot loses its data (a replaced project is a new, empty database). Check each one:\n\n" +
        dataLoss.map(({ preview, change }) => `- **${escape(stackLabel(preview, previews))}**: ${dataLossLine(change)}`).join("\n"),
    );
  }

  const problems = previews.filter((p) => p.failure !== undefined || p.diagnostics.length > 0);
  if (problems.length > 0) {
    parts.push(
      "### Failures and warnings\n" +
        problems
          .map((p) => {
            const label = escape(stackLabel(p, previews));
            // A failed preview's errors are its failure; its warnings still follow.
            const diagnostics = p.failure !== undefined ? p.diagnostics.filter((d) => d.severity !== "error") : p.diagnostics;
            const lines = [
              ...(p.failure !== undefined ? [`- **${label}**: the preview failed`, indent(fenced(p.failure, "text"))] : []),
              ...diagnostics.map((d) =>
                d.severity === "error" ? `- **${label}** (error):\n${indent(fenced(d.message, "text"))}` : `- **${label}** (warning): ${escape(oneLine(d.message))}`,
              ),
            ];
            return lines.join("\n");
          })
          .join("\n"),
    );
  }

  if (changed.length > 0) {
    if (detail === "names-only") {
      parts.push(`### Changes\nThe per-stack details are left out to stay under GitHub's comment limit${options.runUrl ? `; see [the workflow run](${options.runUrl})` : ""}.`);
    } else {
      parts.push(
        "### Changes\n" +
          changed.map((p) => stackDetails(p, previews, detail)).join("\n\n") +
          (detail !== "all" ? `\n\n_Some property details are left out to stay under GitHub's comment limit${options.runUrl ? `; see [the workflow run](${options.runUrl})` : ""}._` : ""),
      );
    }
  }
  return `${parts.join("\n\n")}\n`;
}

function headline(previews: readonly StackPreview[], changed: readonly StackPreview[], failed: readonly StackPreview[]): string {
  if (previews.length === 0) return "No tenant stack is affected by this change.";
  const without = previews.filter((p) => p.changes.length === 0 && p.failure === undefined).length;
  const facts = [`${changed.length} with changes`, `${without} without`];
  if (failed.length > 0) facts.push(`**${failed.length} failed**`);
  return `${facts.join(", ")}.`;
}

/** `stack` alone, or `project/stack` when several projects are summarised. */
function stackLabel(preview: StackPreview, all: readonly StackPreview[]): string {
  const projects = new Set(all.map((p) => p.project));
  return projects.size > 1 ? `${preview.project}/${preview.stack}` : preview.stack;
}

function countTable(previews: readonly StackPreview[]): string {
  const rows = previews.map((p) => {
    const counts = changeCounts(p);
    const status = p.failure !== undefined ? ":x: failed" : p.changes.some((c) => c.losesData) ? ":warning: data loss" : p.changes.length > 0 ? "changes" : "no changes";
    return `| ${escape(stackLabel(p, previews))} | ${opColumns.map((op) => (counts[op] > 0 ? String(counts[op]) : "")).join(" | ")} | ${p.unchanged} | ${status} |`;
  });
  return [`| stack | ${opColumns.join(" | ")} | unchanged | |`, `|---|${opColumns.map(() => "--:").join("|")}|--:|---|`, ...rows].join("\n");
}

function resourceLabel(change: ResourceChange): string {
  return `\`${change.type}\` \`${escapeCode(change.name)}\`${change.id ? ` (\`${escapeCode(change.id)}\`)` : ""}`;
}

function dataLossLine(change: ResourceChange): string {
  const what = change.op === "replace" ? "**replace**" : "**delete**";
  const why = change.op === "replace" && change.properties.length > 0 ? ` because of ${change.properties.map((p) => `\`${escapeCode(p.key)}\``).join(", ")}` : "";
  return `${what} ${resourceLabel(change)}${why}`;
}

function stackDetails(preview: StackPreview, all: readonly StackPreview[], detail: Detail): string {
  const counts = changeCounts(preview);
  const summary = opColumns.filter((op) => counts[op] > 0).map((op) => `${counts[op]} to ${opVerb[op]}`).join(", ");
  const order: Record<ChangeOp, number> = { delete: 0, replace: 1, update: 2, import: 3, create: 4 };
  const items = [...preview.changes]
    .sort((a, b) => order[a.op] - order[b.op] || a.name.localeCompare(b.name))
    .map((change) => {
      const showProperties = detail === "all" || (detail === "no-create-properties" && change.op !== "create");
      const head = `- **${opVerb[change.op]}** ${resourceLabel(change)}`;
      if (!showProperties || change.properties.length === 0) return head;
      return `${head}\n${indent(fenced(diffLines(change.op, change.properties), "diff"))}`;
    });
  return `<details><summary>${escape(stackLabel(preview, all))}: ${summary}</summary>\n\n${items.join("\n")}\n\n</details>`;
}

/** `- key: old` / `+ key: new` / `! key: old → new` lines, as GitHub colours a `diff` block. */
function diffLines(op: ChangeOp, properties: readonly PropertyChange[]): string {
  return properties
    .map((p) => {
      if (op === "create" || p.before === undefined) return `+ ${p.key}: ${p.after}`;
      if (p.after === undefined) return `- ${p.key}: ${p.before}`;
      return `! ${p.key}: ${p.before} → ${p.after}`;
    })
    .join("\n");
}

function fenced(text: string, language: string): string {
  // A fence longer than any run of backticks inside, so the text cannot close it.
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

function oneLine(text: string): string {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return first.length > 500 ? `${first.slice(0, 500)}…` : first;
}

/** Markdown and HTML that a stack or resource name could smuggle into the comment. */
function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}
