/**
 * Neon paginates two ways: projects and operations return `pagination.cursor` (the position of the
 * last item; an empty or short page ends the list), branches return `pagination.next` (absent on the
 * last page). Both become one async iterator over the items.
 */
export interface PageWalk<TPage, TItem> {
  readonly fetchPage: (cursor: string | undefined) => Promise<TPage>;
  readonly itemsOf: (page: TPage) => readonly TItem[];
  /** The cursor for the page after `page`, or undefined when `page` was the last. */
  readonly nextCursorOf: (page: TPage) => string | undefined;
}

export async function* paginate<TPage, TItem>(walk: PageWalk<TPage, TItem>): AsyncGenerator<TItem, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await walk.fetchPage(cursor);
    yield* walk.itemsOf(page);
    const next = walk.nextCursorOf(page);
    // A cursor seen before would loop forever; a server bug, not a reason to hang a deployment.
    if (next === undefined || next === "" || seen.has(next)) return;
    seen.add(next);
    cursor = next;
  }
}

/** `pagination.cursor` style: the next page starts after the last item, until a page comes back short. */
export function positionCursor(page: { readonly pagination?: { readonly cursor?: string | undefined } | undefined }, itemCount: number, pageSize: number): string | undefined {
  return itemCount < pageSize ? undefined : page.pagination?.cursor;
}

/** `pagination.next` style. */
export function nextCursor(page: { readonly pagination?: { readonly next?: string | undefined } | undefined }): string | undefined {
  return page.pagination?.next;
}
