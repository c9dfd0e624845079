/**
 * A preview's engine events, whole or not at all. The Pulumi CLI streams its events to the
 * Automation API over gRPC and, when that stream fails, goes on without them and exits as if all
 * was well (it only logs the failure at verbosity 7); the Automation API then reports an empty
 * change summary. A PR comment or a fleet built from such a preview would say "no changes" of a
 * stack that has some. Every successful run's stream ends with a summary event, so one without it
 * lost events: a preview, which changes nothing, is run again; a second loss is an error.
 *
 * The caller's `onEvent` is therefore called once the preview has ended (with the events of the
 * attempt that arrived whole, or, when the preview fails, with those that arrived).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EngineEventsLostError } from "./errors";

export const previewAttempts = 2;

/** Whether a run's events arrived whole: every successful run's stream ends with its summary event. */
export function eventsArrivedWhole(events: readonly EngineEvent[]): boolean {
  return events.some((event) => event.summaryEvent !== undefined);
}

export async function withCompleteEvents<T>(
  run: (onEvent: (event: EngineEvent) => void) => Promise<T>,
  options: { onEvent?: (event: EngineEvent) => void; onOutput?: (text: string) => void; signal?: AbortSignal; what: string },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const events: EngineEvent[] = [];
    let result: T;
    try {
      result = await run((event) => events.push(event));
    } catch (err) {
      // The preview's own error is what the caller must see, even if its onEvent fails on these.
      try {
        events.forEach((event) => options.onEvent?.(event));
      } catch {
        // ignored: see above
      }
      throw err;
    }
    if (eventsArrivedWhole(events)) {
      events.forEach((event) => options.onEvent?.(event));
      return result;
    }
    if (attempt >= previewAttempts) {
      throw new EngineEventsLostError(
        `${options.what}: the engine's events did not arrive whole ${previewAttempts} times in a row (no summary event), so what it would change is unknown; run it again`,
      );
    }
    // A cancel that came during the first attempt must not start a second (the Automation API
    // only listens for one once its CLI runs).
    options.signal?.throwIfAborted();
    options.onOutput?.(`${options.what}: the engine's events did not arrive whole (no summary event); previewing again\n`);
  }
}
