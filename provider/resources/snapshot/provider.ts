/** The Snapshot dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry, type ImplementsLifecycle } from "../common/providerEntry";
import type { SnapshotInputs } from "./args";
import type * as lifecycle from "./lifecycle";

/** Compile-time: the lifecycle module is the typed provider these inputs need. */
type Lifecycle = ImplementsLifecycle<typeof lifecycle, SnapshotInputs>;

export = providerEntry<SnapshotInputs>("neon-pulumi-dynamic/dist/provider/resources/snapshot/lifecycle.js");
