/** The AuthIntegration dynamic provider as Pulumi stores it: see common/providerEntry.ts. */
import { providerEntry } from "../common/providerEntry";

export = providerEntry("neon-pulumi-dynamic/dist/provider/resources/authIntegration/lifecycle.js");
