/** The program the engine test runs: one tenant's resources, each a separate Pulumi resource. */
import * as pulumi from "@pulumi/pulumi";
import { AuthIntegration, Branch, DataApi, Endpoint, NeonProject, Snapshot } from "neon-pulumi-dynamic";

export = async () => {
  const project = new NeonProject("project", { name: pulumi.getStack() });
  const projectId = project.projectId;
  new Endpoint("compute", { projectId, adoptDefault: true });
  const auth = new AuthIntegration("auth", { projectId, trustedDomains: ["https://app.example.com"] });
  // The Data API's JWTs come from Neon Auth: enabled once Neon Auth is.
  const dataApi = new DataApi("data-api", { projectId }, { dependsOn: [auth] });
  new Snapshot("checkpoint", { projectId, name: "baseline" });
  new Branch("preview", { projectId, name: "preview-1" });
  return { projectId, dataApiUrl: dataApi.url };
};
