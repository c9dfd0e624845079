/**
 * Keeping one summary comment per pull request up to date, as users of pulumi/actions, Atlantis and
 * tfcmt asked for: the comment is found by its hidden marker (through every page of the pull
 * request's comments, not only the first), updated in place, left alone when its body is already
 * the same, and created only when there are changes to show (a later push that reverts to no
 * changes updates an existing comment, but never adds one).
 */
import { RunnerError } from "../errors";
import { summaryMarker } from "./render";

export interface CommentTarget {
  /** `owner/repo` (GITHUB_REPOSITORY in a workflow). */
  readonly repository: string;
  readonly pullRequest: number;
  /** A token allowed to write pull request comments (GITHUB_TOKEN with `pull-requests: write`). */
  readonly token: string;
  /** Default `https://api.github.com` (GITHUB_API_URL in a workflow). */
  readonly apiUrl?: string;
  /**
   * Who writes the comment: only a marked comment by this login is ours to update (anyone can post
   * the marker). Default `github-actions[bot]`, the author of comments made with a workflow's
   * GITHUB_TOKEN; give your bot's login when posting with another token.
   */
  readonly author?: string;
}

export type CommentOutcome = "created" | "updated" | "unchanged" | "skipped";

export class GitHubCommentError extends RunnerError {}

interface IssueComment {
  id: number;
  body?: string;
  user?: { login?: string } | null;
}

export async function upsertSummaryComment(target: CommentTarget, body: string, hasChanges: boolean, fetchImpl: typeof fetch = fetch): Promise<CommentOutcome> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(target.repository)) throw new GitHubCommentError(`repository must be owner/repo, got "${target.repository}"`);
  if (!Number.isInteger(target.pullRequest) || target.pullRequest <= 0) throw new GitHubCommentError(`the pull request number must be a positive whole number, got ${target.pullRequest}`);
  const api = (target.apiUrl ?? "https://api.github.com").replace(/\/$/, "");
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${target.token}`,
    "x-github-api-version": "2022-11-28",
    "content-type": "application/json",
  };
  const call = async (method: string, url: string, payload?: unknown): Promise<Response> => {
    const response = await fetchImpl(url, { method, headers, ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) });
    if (!response.ok) {
      const detail = (await response.text()).slice(0, 300);
      // The token is never part of the message.
      throw new GitHubCommentError(`GitHub answered ${response.status} to ${method} ${new URL(url).pathname}: ${detail}`);
    }
    return response;
  };

  const author = target.author ?? "github-actions[bot]";
  const existing = await findComment(`${api}/repos/${target.repository}/issues/${target.pullRequest}/comments?per_page=100`, author, call);
  if (existing) {
    if (existing.body === body) return "unchanged";
    await call("PATCH", `${api}/repos/${target.repository}/issues/comments/${existing.id}`, { body });
    return "updated";
  }
  if (!hasChanges) return "skipped";
  await call("POST", `${api}/repos/${target.repository}/issues/${target.pullRequest}/comments`, { body });
  return "created";
}

/** Walks every page (the `Link: rel="next"` header) for the comment by `author` that starts with our marker. */
async function findComment(firstPage: string, author: string, call: (method: string, url: string) => Promise<Response>): Promise<IssueComment | undefined> {
  let url: string | undefined = firstPage;
  for (let pages = 0; url && pages < 100; pages++) {
    const response = await call("GET", url);
    const comments = (await response.json()) as IssueComment[];
    const ours = comments.find((c) => typeof c.body === "string" && c.body.startsWith(summaryMarker) && c.user?.login === author);
    if (ours) return ours;
    url = nextPage(response.headers.get("link"));
  }
  return undefined;
}

export function nextPage(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}
