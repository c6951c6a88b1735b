/// The `sync:` section.
public struct SyncSettings: Sendable, Hashable {
    /// How many registries sync at the same time (default 4).
    public var concurrency: Int
    /// After how many syncs that no longer see an object it is tombstoned (default 2).
    public var tombstoneAfterMisses: Int
    /// An incremental registry lists everything every Nth sync (default 24).
    public var fullEvery: Int

    /// Defaults: concurrency 4, tombstone after 2 misses, full listing every 24th sync.
    public init(concurrency: Int = 4, tombstoneAfterMisses: Int = 2, fullEvery: Int = 24) {
        self.concurrency = concurrency
        self.tombstoneAfterMisses = tombstoneAfterMisses
        self.fullEvery = fullEvery
    }
}
