/**
 * Keeping the one summary comment of a pull request up to date, against a fake GitHub API on
 * loopback that pages its comment list as GitHub does (Link: rel="next").
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GitHubCommentError, nextPage, upsertSummaryComment } from "../../runner/summary/githubComment";
import { summaryMarker } from "../../runner/summary/render";

interface Seen {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
}

describe("the pull request's summary comment", () => {
  let server: Server;
  let api: string;
  const seen: Seen[] = [];
  let comments: { id: number; body: string; user: { login: string } }[] = [];
  const bot = { login: "github-actions[bot]" };
  let failWith: number | undefined;
  const pageSize = 2;

  before(async () => {
    server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        const url = new URL(req.url!, "http://localhost");
        seen.push({ method: req.method!, path: url.pathname + url.search, authorization: req.headers.authorization, ...(raw ? { body: JSON.parse(raw) } : {}) });
        if (failWith) {
          res.writeHead(failWith, { "content-type": "application/json" }).end(JSON.stringify({ message: "Resource not accessible by integration" }));
          return;
        }
        if (req.method === "GET" && url.pathname === "/repos/acme/tenants/issues/7/comments") {
          const page = Number(url.searchParams.get("page") ?? "1");
          const slice = comments.slice((page - 1) * pageSize, page * pageSize);
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (page * pageSize < comments.length) headers.link = `<${api}/repos/acme/tenants/issues/7/comments?per_page=100&page=${page + 1}>; rel="next", <${api}/x?page=9>; rel="last"`;
          res.writeHead(200, headers).end(JSON.stringify(slice));
        } else if (req.method === "PATCH" && url.pathname.startsWith("/repos/acme/tenants/issues/comments/")) {
          const id = Number(url.pathname.split("/").pop());
          comments.find((c) => c.id === id)!.body = JSON.parse(raw).body;
          res.writeHead(200).end("{}");
        } else if (req.method === "POST" && url.pathname === "/repos/acme/tenants/issues/7/comments") {
          comments.push({ id: 100 + comments.length, body: JSON.parse(raw).body, user: bot });
          res.writeHead(201).end("{}");
        } else {
          res.writeHead(404).end("{}");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
    failWith = undefined;
    comments = [
      { id: 1, body: "LGTM", user: { login: "alice" } },
      { id: 2, body: "<!-- some other bot -->\nhello", user: { login: "other[bot]" } },
      { id: 3, body: "a question", user: { login: "bob" } },
    ];
  });

  const target = () => ({ repository: "acme/tenants", pullRequest: 7, token: "ghs_secret_token_123", apiUrl: api });
  const writes = () => seen.filter((s) => s.method !== "GET");

  it("creates the comment when there is none and there are changes", async () => {
    const outcome = await upsertSummaryComment(target(), `${summaryMarker}\nfirst`, true);
    assert.equal(outcome, "created");
    assert.deepEqual(writes().map((w) => [w.method, w.path, w.body]), [["POST", "/repos/acme/tenants/issues/7/comments", { body: `${summaryMarker}\nfirst` }]]);
    assert.ok(seen.every((s) => s.authorization === "Bearer ghs_secret_token_123"));
    assert.equal(seen.filter((s) => s.method === "GET").length, 2, "it looked at every page first");
  });

  it("finds its comment on a later page by the marker and updates it in place, instead of adding one", async () => {
    comments.push({ id: 4, body: "x", user: bot }, { id: 5, body: `${summaryMarker}\nold`, user: bot });
    const outcome = await upsertSummaryComment(target(), `${summaryMarker}\nnew`, true);
    assert.equal(outcome, "updated");
    assert.deepEqual(writes().map((w) => [w.method, w.path]), [["PATCH", "/repos/acme/tenants/issues/comments/5"]]);
    assert.equal(comments.length, 5);
    assert.equal(comments[4].body, `${summaryMarker}\nnew`);
  });

  it("leaves an identical comment alone", async () => {
    comments.push({ id: 4, body: `${summaryMarker}\nsame`, user: bot });
    assert.equal(await upsertSummaryComment(target(), `${summaryMarker}\nsame`, true), "unchanged");
    assert.deepEqual(writes(), []);
  });

  it("with no changes, updates an existing comment but never creates one", async () => {
    assert.equal(await upsertSummaryComment(target(), `${summaryMarker}\nnothing`, false), "skipped");
    assert.deepEqual(writes(), []);
    comments.push({ id: 4, body: `${summaryMarker}\nhad changes`, user: bot });
    assert.equal(await upsertSummaryComment(target(), `${summaryMarker}\nnothing`, false), "updated");
    assert.equal(comments[3].body, `${summaryMarker}\nnothing`);
  });

  it("never takes over a comment someone else wrote with the marker, and finds its own with another token's author", async () => {
    comments.push({ id: 4, body: `${summaryMarker}\nplanted by a user`, user: { login: "mallory" } });
    assert.equal(await upsertSummaryComment(target(), `${summaryMarker}\nreal`, true), "created");
    assert.equal(comments[3].body, `${summaryMarker}\nplanted by a user`, "left alone");
    assert.deepEqual(writes().map((w) => w.method), ["POST"]);
    seen.length = 0;
    comments.push({ id: 9, body: `${summaryMarker}\nby our app`, user: { login: "tenants-bot[bot]" } });
    assert.equal(await upsertSummaryComment({ ...target(), author: "tenants-bot[bot]" }, `${summaryMarker}\nnew`, true), "updated");
    assert.deepEqual(writes().map((w) => w.path), ["/repos/acme/tenants/issues/comments/9"]);
  });

  it("reports GitHub's refusal without the token", async () => {
    failWith = 403;
    await assert.rejects(upsertSummaryComment(target(), "x", true), (err: Error) => {
      assert.ok(err instanceof GitHubCommentError);
      assert.match(err.message, /GitHub answered 403 to GET \/repos\/acme\/tenants\/issues\/7\/comments: .*not accessible/);
      assert.doesNotMatch(err.message, /ghs_secret_token_123/);
      return true;
    });
  });

  it("refuses a malformed repository or pull request number before calling GitHub", async () => {
    await assert.rejects(upsertSummaryComment({ ...target(), repository: "acme" }, "x", true), /owner\/repo/);
    await assert.rejects(upsertSummaryComment({ ...target(), pullRequest: 0 }, "x", true), /positive whole number/);
    assert.deepEqual(seen, []);
  });

  it("reads the next page from a Link header", () => {
    assert.equal(nextPage('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'), "https://api.github.com/x?page=2");
    assert.equal(nextPage('<https://api.github.com/x?page=1>; rel="prev"'), undefined);
    assert.equal(nextPage(null), undefined);
  });
});
