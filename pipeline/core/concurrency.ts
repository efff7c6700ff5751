/**
 * Maps an async stream with up to `limit` calls in flight and yields results in input order,
 * so that order-dependent decisions (first occurrence wins) stay deterministic.
 */
export async function* mapOrdered<T, R>(items: AsyncIterable<T> | Iterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  for await (const item of items as AsyncIterable<T>) {
    window.push(fn(item));
    if (window.length >= limit) yield await window.shift()!;
  }
  while (window.length > 0) yield await window.shift()!;
}
