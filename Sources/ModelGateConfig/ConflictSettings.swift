/// The `conflicts:` section (DESIGN §5). Every registry named here exists in `registries`.
public struct ConflictSettings: Sendable, Hashable {
    /// Model name → the registry whose values win in `resolve`.
    public var sourceOfTruth: [String: String]
    /// Tag-key prefix → the registry that owns tag keys with that prefix.
    public var tagOwners: [String: String]
    /// Registry name → the serving container image used when migrating into it.
    public var servingImage: [String: String]

    /// Empty by default.
    public init(
        sourceOfTruth: [String: String] = [:], tagOwners: [String: String] = [:],
        servingImage: [String: String] = [:]
    ) {
        self.sourceOfTruth = sourceOfTruth
        self.tagOwners = tagOwners
        self.servingImage = servingImage
    }

    /// The registry owning `tagKey`: the one with the longest matching prefix.
    public func tagOwner(of tagKey: String) -> String? {
        tagOwners.filter { tagKey.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }
}
