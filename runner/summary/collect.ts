/**
 * Previews of tenant stacks, through the runner, kept with their engine events so that a workflow
 * can preview stacks in parallel jobs, save the events, and render one comment from all of them
 * later (`preview-summary --events`). The saved form is an envelope of ours around the engine's
 * own events; the engine's JSON-lines event log (`pulumi preview --event-log`) is read as well.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { RunnerError } from "../errors";
import { openStack, type RunnerOptions, type RunnerStack } from "../stack";
import { cleanMessage, distinctMessages, stackPreviewFromEvents, stripAnsi, type StackPreview } from "./stackPreview";

export interface SavedPreview {
  readonly version: 1;
  readonly project: string;
  readonly stack: string;
  readonly failure?: string;
  readonly events: EngineEvent[];
}

/** Previews each stack in turn (the engine is CPU-bound: running them side by side on a small runner is slower). */
export async function previewStacks(
  runner: RunnerOptions,
  projectDir: string,
  stacks: readonly string[],
  onOutput?: (text: string) => void,
): Promise<SavedPreview[]> {
  const saved: SavedPreview[] = [];
  for (const stackName of stacks) {
    let stack: RunnerStack;
    try {
      stack = await openStack(runner, { projectDir, stackName });
    } catch (err) {
      // A stack that cannot even be opened is a failed preview, shown as such, never left out.
      saved.push({ version: 1, project: path.basename(projectDir), stack: stackName, failure: failureMessage(err, []), events: [] });
      continue;
    }
    saved.push(await previewStack(stack, onOutput));
  }
  return saved;
}

/** One stack's preview with its events; a preview that fails is kept with what went wrong. */
export async function previewStack(stack: RunnerStack, onOutput?: (text: string) => void): Promise<SavedPreview> {
  const events: EngineEvent[] = [];
  let failure: string | undefined;
  try {
    await stack.preview({ onEvent: (e) => events.push(e), onOutput });
  } catch (err) {
    failure = failureMessage(err, events);
  }
  return { version: 1, project: stack.projectName, stack: stack.stackName, ...(failure !== undefined ? { failure } : {}), events };
}

/** What to say about a failed preview: the engine's error diagnostics, else the command's own error lines. */
function failureMessage(err: unknown, events: readonly EngineEvent[]): string {
  const errors = distinctMessages(
    events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d?.severity === "error")
      .map((d) => cleanMessage(d!.message))
      .filter((m) => m !== "" && !/^(update|preview) failed$/.test(m)),
  );
  if (errors.length > 0) return errors.join("\n");
  const text = stripAnsi((err as Error).message ?? String(err));
  const lines = text.split("\n").filter((l) => /^\s*error:/.test(l));
  return (lines.length > 0 ? lines : text.split("\n").slice(0, 5)).join("\n").trim();
}

export function toStackPreview(saved: SavedPreview): StackPreview {
  return stackPreviewFromEvents(saved.project, saved.stack, saved.events, saved.failure);
}

export function writeSavedPreviews(dir: string, previews: readonly SavedPreview[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return previews.map((p) => {
    const file = path.join(dir, `${p.project}.${p.stack}.json`);
    fs.writeFileSync(file, JSON.stringify(p));
    return file;
  });
}

/**
 * Reads saved previews: our envelopes (`.json`), or the engine's JSON-lines event logs, whose stack
 * is the file's name without its extension. Folders are read file by file.
 */
export function readSavedPreviews(paths: readonly string[], defaultProject: string): SavedPreview[] {
  const files = paths.flatMap((p) => (fs.existsSync(p) && fs.statSync(p).isDirectory() ? fs.readdirSync(p).sort().map((f) => path.join(p, f)) : [p]));
  return files.map((file) => {
    if (!fs.existsSync(file)) throw new RunnerError(`--events: ${file} does not exist`);
    const text = fs.readFileSync(file, "utf8");
    try {
      const parsed = JSON.parse(text) as Partial<SavedPreview>;
      if (parsed && parsed.version === 1 && typeof parsed.stack === "string" && Array.isArray(parsed.events)) {
        return { version: 1, project: parsed.project ?? defaultProject, stack: parsed.stack, ...(parsed.failure ? { failure: parsed.failure } : {}), events: parsed.events };
      }
    } catch {
      // not one JSON document: an event log, one event per line
    }
    const events = text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, i) => {
        try {
          return JSON.parse(line) as EngineEvent;
        } catch {
          throw new RunnerError(`--events: ${file} is neither a saved preview nor an engine event log (line ${i + 1} is not JSON)`);
        }
      });
    const stack = path.basename(file).replace(/\.(jsonl?|log)$/i, "");
    return { version: 1, project: defaultProject, stack, events };
  });
}
