/** The DataApi dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry, type ImplementsLifecycle } from "../common/providerEntry";
import type { DataApiInputs } from "./args";
import type * as lifecycle from "./lifecycle";

/** Compile-time: the lifecycle module is the typed provider these inputs need. */
type Lifecycle = ImplementsLifecycle<typeof lifecycle, DataApiInputs>;

export = providerEntry<DataApiInputs>("neon-pulumi-dynamic/dist/provider/resources/dataApi/lifecycle.js");
