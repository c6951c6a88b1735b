/// A per-object problem met while listing or syncing: the object is named, the rest of the page is kept.
/// The `errors[]` element of `modelgate sync --output json`: `{"model", "version", "message"}` (nulls kept).
public struct ObjectError: Sendable, Hashable, Codable {
    /// The model the problem concerns; nil when it could not be attributed to one.
    public var model: String?
    /// The version the problem concerns; nil when it concerns the model as a whole.
    public var version: String?
    /// What went wrong with this object, secret-free (usually a `RegistryError` description).
    public var message: String

    /// A problem with `model` (and `version`, when it is about one version).
    public init(model: String?, version: String?, message: String) {
        self.model = model
        self.version = version
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case model, version, message }

    /// Writes all three keys, with `null` for a missing model or version, as `--output json` promises.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(message, forKey: .message)
    }
}
