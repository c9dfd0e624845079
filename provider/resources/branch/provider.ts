/** The Branch dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry, type ImplementsLifecycle } from "../common/providerEntry";
import type { BranchInputs } from "./args";
import type * as lifecycle from "./lifecycle";

/** Compile-time: the lifecycle module is the typed provider these inputs need. */
type Lifecycle = ImplementsLifecycle<typeof lifecycle, BranchInputs>;

export = providerEntry<BranchInputs>("neon-pulumi-dynamic/dist/provider/resources/branch/lifecycle.js");
