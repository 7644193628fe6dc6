/** One page of a list, with a way to fetch the next. */
export class Page<T> {
  constructor(
    readonly data: T[],
    readonly hasMore: boolean,
    /** The cursor (or offset, as a string) of the next page; null on the last. */
    readonly nextCursor: string | null,
    readonly requestId: string | null,
    private readonly fetchNext: ((cursor: string) => Promise<Page<T>>) | null,
  ) {}

  hasNextPage(): boolean {
    return this.hasMore && this.nextCursor !== null && this.fetchNext !== null;
  }

  /** The next page, or null after the last. */
  async getNextPage(): Promise<Page<T> | null> {
    return this.hasNextPage() ? this.fetchNext!(this.nextCursor!) : null;
  }
}

/**
 * What every list method returns: await it for the first page, or `for await` over it for every item of
 * every page (each next page fetched when the previous one is used up), or iterate `.pages()`. The first
 * page is requested at once, like any call.
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private readonly first: Promise<Page<T>>;

  constructor(load: () => Promise<Page<T>>) {
    this.first = load();
    // Rejections surface where the caller awaits or iterates; never as an unhandled rejection here.
    this.first.catch(() => {});
  }

  private firstPage(): Promise<Page<T>> {
    return this.first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is deliberately awaitable.
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.firstPage().then(onfulfilled, onrejected);
  }

  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | null = await this.firstPage();
    while (page) {
      yield page;
      page = await page.getNextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item of every page, in one array. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
