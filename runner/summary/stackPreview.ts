/**
 * One stack's preview, as read from the engine's events (what the Automation API's `onEvent` and
 * the CLI's `--event-log` give): the resources that change, how, and which of their properties.
 * Dynamic providers return no detailed diff, so the properties are found by comparing the step's
 * old and new inputs, skipping Pulumi's own `__` keys; a value that is secret on either side is
 * masked on both (an input that becomes secret must not show its old plain value). Pure.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

export const maskedValue = "[secret]";
const secretSignatureKey = "4dabf18193072939515e22adb298388d";

/** The ops a summary shows; a replacement's inner create and delete steps are folded into `replace`. */
export type ChangeOp = "create" | "update" | "replace" | "delete" | "import";
const shownOps: readonly string[] = ["create", "update", "replace", "delete", "import"];

/** Neon objects whose deletion or replacement loses data. */
const dataHoldingTypes = new Set(["NeonProject", "Branch", "Snapshot"]);

export interface PropertyChange {
  readonly key: string;
  /** JSON of the value before, `[secret]`, or undefined when the key is new. */
  readonly before?: string;
  /** JSON of the value after, `[secret]`, or undefined when the key is gone. */
  readonly after?: string;
}

export interface ResourceChange {
  readonly op: ChangeOp;
  /** The resource's name in the program. */
  readonly name: string;
  /** Short type: `NeonProject`, `TenantEnvironment`, … */
  readonly type: string;
  /** The Neon id, for existing resources. */
  readonly id?: string;
  /** A delete or replacement of a project, branch or snapshot: data is lost. */
  readonly losesData: boolean;
  readonly properties: readonly PropertyChange[];
}

export interface StackPreview {
  readonly project: string;
  readonly stack: string;
  readonly changes: readonly ResourceChange[];
  /** Resources left as they are. */
  readonly unchanged: number;
  /** Warnings and errors the engine reported (no debug or info). */
  readonly diagnostics: readonly { severity: "warning" | "error"; message: string }[];
  /** Set when the preview itself failed. */
  readonly failure?: string;
}

const ansi = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Removes terminal colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ansi, "");
}

/** Without colour codes and stack frames (`    at f (file:1:2)`), which say nothing to a reviewer. */
export function cleanMessage(message: string): string {
  return stripAnsi(message)
    .split("\n")
    .filter((line) => !/^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/.test(line))
    .join("\n")
    .trim();
}

/** Messages, dropping any that another one contains (the engine often reports an error twice, once wrapped). */
export function distinctMessages(messages: readonly string[]): string[] {
  const unique = [...new Set(messages)];
  return unique.filter((m) => !unique.some((other) => other !== m && other.includes(m)));
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function isSecret(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (secretSignatureKey in (value as Record<string, unknown>)) return true;
  return Object.values(value as Record<string, unknown>).some(isSecret);
}

/** Pulumi's placeholder for a value a preview cannot know yet (an id that does not exist yet). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const unknownShown = "(known after the update)";

function render(value: unknown): string {
  if (value === unknownValue) return unknownShown;
  return JSON.stringify(value, (_key, v) => (v === unknownValue ? unknownShown : v));
}

/** The properties that differ between two input sets; secrets masked on both sides. */
export function propertyChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): PropertyChange[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((k) => !k.startsWith("__")).sort();
  const changes: PropertyChange[] = [];
  for (const key of keys) {
    const old = before?.[key];
    const next = after?.[key];
    if (old !== undefined && next !== undefined && render(old) === render(next) && !isSecret(old) && !isSecret(next)) continue;
    const secret = isSecret(old) || isSecret(next);
    if (secret && old !== undefined && next !== undefined && render(old) === render(next)) continue; // both the same ciphertext
    const show = (v: unknown) => (v === undefined ? undefined : secret ? maskedValue : render(v));
    changes.push({ key, ...(old !== undefined ? { before: show(old) } : {}), ...(next !== undefined ? { after: show(next) } : {}) });
  }
  return changes;
}

function changeOf(metadata: StepEventMetadata): ResourceChange | undefined {
  if (!shownOps.includes(metadata.op)) return undefined;
  if (metadata.type === "pulumi:pulumi:Stack" || metadata.type.startsWith("pulumi:providers:")) return undefined;
  const op = metadata.op as ChangeOp;
  const type = shortType(metadata.type);
  const id = metadata.old?.id || undefined;
  let properties = op === "delete" ? [] : propertyChanges(op === "create" ? undefined : metadata.old?.inputs, metadata.new?.inputs);
  if ((op === "update" || op === "replace") && properties.length === 0) {
    // Nothing visible differs (events blind every secret alike): name the keys the engine says
    // changed, if it says (dynamic providers do not), without their values.
    const keys = [...new Set([...(metadata.keys ?? []), ...(metadata.diffs ?? [])])].filter((k) => !k.startsWith("__")).sort();
    properties = keys.map((key) => {
      const secret = isSecret(metadata.old?.inputs?.[key]) || isSecret(metadata.new?.inputs?.[key]);
      const shown = secret ? maskedValue : "(changed)";
      return { key, before: shown, after: shown };
    });
  }
  return {
    op,
    name: nameOf(metadata.urn),
    type,
    ...(id ? { id } : {}),
    losesData: (op === "delete" || op === "replace") && dataHoldingTypes.has(type),
    properties,
  };
}

/** The preview of one stack from its engine events (in any order; the sequence numbers order them). */
export function stackPreviewFromEvents(project: string, stack: string, events: readonly EngineEvent[], failure?: string): StackPreview {
  const ordered = [...events].sort((a, b) => a.sequence - b.sequence);
  const changes: ResourceChange[] = [];
  let unchanged = 0;
  const diagnostics: { severity: "warning" | "error"; message: string }[] = [];
  for (const event of ordered) {
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata) {
      if (metadata.op === "same" && metadata.type !== "pulumi:pulumi:Stack" && !metadata.type.startsWith("pulumi:providers:")) unchanged++;
      const change = changeOf(metadata);
      if (change) changes.push(change);
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && (diagnostic.severity === "warning" || diagnostic.severity === "error")) {
      const message = cleanMessage(diagnostic.message);
      if (message) diagnostics.push({ severity: diagnostic.severity, message });
    }
  }
  const distinct = distinctMessages(diagnostics.map((d) => d.message));
  const kept = distinct.map((message) => diagnostics.find((d) => d.message === message)!);
  return { project, stack, changes, unchanged, diagnostics: kept, ...(failure !== undefined ? { failure: cleanMessage(failure) } : {}) };
}

/** How many resources each op touches. */
export function changeCounts(preview: StackPreview): Record<ChangeOp, number> {
  const counts: Record<ChangeOp, number> = { create: 0, update: 0, replace: 0, delete: 0, import: 0 };
  for (const change of preview.changes) counts[change.op]++;
  return counts;
}
