/** The Endpoint dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry, type ImplementsLifecycle } from "../common/providerEntry";
import type { EndpointInputs } from "./args";
import type * as lifecycle from "./lifecycle";

/** Compile-time: the lifecycle module is the typed provider these inputs need. */
type Lifecycle = ImplementsLifecycle<typeof lifecycle, EndpointInputs>;

export = providerEntry<EndpointInputs>("neon-pulumi-dynamic/dist/provider/resources/endpoint/lifecycle.js");
