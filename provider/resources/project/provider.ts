/** The Project dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry, type ImplementsLifecycle } from "../common/providerEntry";
import type { NeonProjectInputs } from "./args";
import type * as lifecycle from "./lifecycle";

/** Compile-time: the lifecycle module is the typed provider these inputs need. */
type Lifecycle = ImplementsLifecycle<typeof lifecycle, NeonProjectInputs>;

export = providerEntry<NeonProjectInputs>("neon-pulumi-dynamic/dist/provider/resources/project/lifecycle.js");
