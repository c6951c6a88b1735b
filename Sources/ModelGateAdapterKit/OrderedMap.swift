/// Maps `items` with at most `limit` calls in flight; results keep the order of `items`. The first error
/// cancels the calls still running and is thrown. Adapters read models of a page concurrently with it.
public func orderedConcurrentMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ transform: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results: [Result?] = Array(repeating: nil, count: items.count)
        var next = 0
        func launch() {
            let index = next
            next += 1
            group.addTask { (index, try await transform(items[index])) }
        }
        while next < min(max(limit, 1), items.count) { launch() }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count { launch() }
        }
        return results.compactMap { $0 }
    }
}
