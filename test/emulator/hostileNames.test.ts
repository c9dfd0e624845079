/**
 * Names that are also built-in JavaScript property names (`constructor`, `toString`, `__proto__`)
 * are ordinary ids and names to the local Neon API: they are found only if they exist, can be
 * created as roles and databases, and never reach an object's prototype.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import type { NeonLocal } from "../../emulator";
import { call } from "../support/neonLocal";
import { startNeonWithProject, stateText } from "./fixtures";

describe("local Neon API: names that are JavaScript built-ins", () => {
  let neon: NeonLocal;
  let project: any;
  let base: string;

  before(async () => {
    ({ neon, created: project, branchPath: base } = await startNeonWithProject());
  });
  after(() => neon.close());

  for (const name of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
    it(`treats "${name}" as an ordinary, unknown id or name`, async () => {
      const before = stateText(neon);
      assert.equal((await call(neon, "GET", `/projects/${encodeURIComponent(name)}`)).status, 404);
      assert.equal((await call(neon, "GET", `/projects/${project.project.id}/branches/${encodeURIComponent(name)}`)).status, 404);
      assert.equal((await call(neon, "GET", `${base}/roles/${encodeURIComponent(name)}`)).status, 404);
      assert.equal((await call(neon, "DELETE", `${base}/databases/${encodeURIComponent(name)}`)).status, 204);
      assert.equal((await call(neon, "DELETE", `/projects/${encodeURIComponent(name)}`)).status, 404);
      const compute = await call(neon, "POST", `/projects/${project.project.id}/endpoints`, { endpoint: { branch_id: name === "__proto__" ? "constructor" : name.toLowerCase(), type: "read_only" } });
      assert.equal(compute.status, 400, "a compute for a branch that does not exist is refused");
      assert.equal(stateText(neon), before, "nothing changed");
      assert.equal(Object.getPrototypeOf(neon.state().projects), null);
    });

    it(`creates, reads and deletes a role and a database named "${name}"`, async () => {
      assert.equal((await call(neon, "POST", `${base}/roles`, { role: { name } })).status, 201);
      assert.equal((await call(neon, "POST", `${base}/databases`, { database: { name, owner_name: name } })).status, 201);
      await new Promise((r) => setTimeout(r, 5));
      assert.equal((await call(neon, "GET", `${base}/databases/${encodeURIComponent(name)}`)).body.database.owner_name, name);
      assert.equal((await call(neon, "DELETE", `${base}/databases/${encodeURIComponent(name)}`)).status, 200);
      assert.equal((await call(neon, "DELETE", `${base}/roles/${encodeURIComponent(name)}`)).status, 200);
      assert.equal((await call(neon, "GET", `${base}/roles/${encodeURIComponent(name)}`)).status, 404);
    });
  }

  it("answers 400 to a request target that is not a path, and keeps serving", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: neon.port, path: "//", method: "GET" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 400);
    assert.equal((await call(neon, "GET", "/auth")).status, 200);
  });
});
