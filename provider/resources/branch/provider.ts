/** The Branch dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry } from "../common/providerEntry";

export = providerEntry("neon-pulumi-dynamic/dist/provider/resources/branch/lifecycle.js");
