/**
 * The runner's errors: one root class, one subclass per thing that can go wrong before or around
 * an engine run. Failures of the run itself (a resource that could not be created, a preview that
 * failed) stay the Automation API's `CommandError`s, which carry the engine's own message.
 */
export class RunnerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Neither a usable `pulumi` on PATH nor a way to build one (the message says what to install). */
export class EngineUnavailableError extends RunnerError {}

/** `go build` of the Pulumi CLI failed; the message ends with the tail of Go's output. */
export class EngineBuildError extends RunnerError {}

/** The repository's build is missing or older than its sources (run `npm run build`). */
export class StaleBuildError extends RunnerError {}

/** A Pulumi project or stack the runner was asked to open is not usable as given. */
export class StackSetupError extends RunnerError {}

/** The stack is locked by an update that may still be running (another host, or a live process). */
export class StackLockedError extends RunnerError {}

/**
 * A create an interrupted update left pending could not be settled safely (Neon has objects that
 * may or may not be it): the message names the resource, the objects, and what to do.
 */
export class PendingCreateError extends RunnerError {}

/**
 * The engine's events of a preview did not reach the runner whole, twice (the Pulumi CLI drops
 * them silently when its event stream to the Automation API fails): what it would say is unknown.
 */
export class EngineEventsLostError extends RunnerError {}
