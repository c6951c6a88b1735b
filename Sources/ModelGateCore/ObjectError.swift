/// A per-object problem met while listing or syncing: the object is named, the rest of the page is kept.
/// The `errors[]` element of `modelgate sync --output json`: `{"model", "version", "message"}` (nulls kept).
public struct ObjectError: Sendable, Hashable, Codable {
    public var model: String?
    public var version: String?
    public var message: String

    public init(model: String?, version: String?, message: String) {
        self.model = model
        self.version = version
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case model, version, message }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(message, forKey: .message)
    }
}
