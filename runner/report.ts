/**
 * What the runner prints about a finished run: the stack's outputs (secrets masked unless asked
 * for) and a one-line summary of the changes. Pure, so the masking is tested directly.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";

export const maskedSecret = "[secret]";

export function renderOutputs(outputs: OutputMap, showSecrets: boolean): string {
  const names = Object.keys(outputs).sort();
  if (names.length === 0) return "(no outputs)";
  const width = Math.max(...names.map((n) => n.length));
  return names
    .map((name) => {
      const { value, secret } = outputs[name];
      const shown = secret && !showSecrets ? maskedSecret : typeof value === "string" ? value : JSON.stringify(value);
      return `  ${name.padEnd(width)}  ${shown}`;
    })
    .join("\n");
}

/** `no changes (9 unchanged)` or `2 created, 1 updated, 6 unchanged`. */
export function renderChangeSummary(changes: Record<string, number> | undefined): string {
  const entries = Object.entries(changes ?? {}).filter(([, n]) => n > 0);
  const changed = entries.filter(([op]) => op !== "same");
  const same = entries.find(([op]) => op === "same")?.[1] ?? 0;
  if (changed.length === 0) return `no changes (${same} unchanged)`;
  const verb: Record<string, string> = { create: "created", update: "updated", delete: "deleted", replace: "replaced" };
  return [...changed.map(([op, n]) => `${n} ${verb[op] ?? op}`), ...(same > 0 ? [`${same} unchanged`] : [])].join(", ");
}

/** True when a change summary from the engine has only unchanged resources. */
export function hasNoChanges(changes: Record<string, number> | undefined): boolean {
  return Object.entries(changes ?? {}).every(([op, n]) => op === "same" || n === 0);
}
