/** What runFleet and its stack processes (worker.ts) say to each other over Node's IPC channel. */
import type { EngineReference } from "../engine";
import type { RunnerOptions } from "../stack";

export type FleetCommand = "preview" | "up" | "refresh" | "destroy";

export interface FleetJob {
  readonly runner: Omit<RunnerOptions, "engine"> & { readonly engine: EngineReference };
  readonly stack: { readonly projectDir: string; readonly stackName: string; readonly configFile?: string };
  readonly command: FleetCommand;
  readonly discardPendingCreates?: boolean;
  /** destroy only: remove the stack from the backend afterwards. */
  readonly removeAfterDestroy?: boolean;
  /** Send the engine's progress back as it comes. */
  readonly streamOutput?: boolean;
}

export type WorkerMessage =
  | { readonly kind: "output"; readonly text: string }
  | {
      readonly kind: "result";
      readonly ok: true;
      /** The engine's count of resources per operation (create, update, same, …). */
      readonly changes: Record<string, number>;
      readonly summary: string;
      readonly cpuMs: number | undefined;
    }
  | { readonly kind: "result"; readonly ok: false; readonly error: string; readonly cpuMs: number | undefined };
