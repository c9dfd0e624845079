/**
 * The runner: the one place the Pulumi engine is driven (through the Automation API, with inline
 * programs). `npm start`, the tests and the examples all use it; the providers never import it.
 * Public surface, importable as `neon-pulumi-dynamic/runner`: stacks one at a time (openStack), or
 * a fleet of them, each in a process of its own (runFleet, planFleet).
 */
export { ensureEngine, locateEngine, minimumCliVersion, type Engine, type EngineLocation } from "./engine";
export { openStack, type OperationOptions, type RunnerOptions, type RunnerStack, type StackOptions, type StoredResource, type StoredState } from "./stack";
export { renderChangeSummary, renderOutputs, hasNoChanges, maskedSecret } from "./report";
export { RunnerError, EngineBuildError, EngineEventsLostError, EngineUnavailableError, PendingCreateError, StackLockedError, StackSetupError, StaleBuildError } from "./errors";
export { runFleet, type FleetCommand, type FleetOptions, type FleetResult, type FleetStack, type FleetStackResult } from "./fleet";
export { planFleet, fleetLowerBound, type FleetPlan, type StackCost, type Machine } from "./fleet/concurrency";
