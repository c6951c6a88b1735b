import Foundation

/// Text helpers for MLflow answers that are not what the API documents.
///
/// Error answers themselves are parsed by the transport's shared `RegistryError(response:request:)`
/// (`ProviderErrorDetails` reads MLflow's `{"error_code","message"}`, the 405 HTML page and the basic-auth
/// app's plain-text 401/403 bodies).
enum MLflowErrorBody {
    /// A short one-line version of a body for messages: whitespace collapsed, clipped.
    static func excerpt(_ text: String, limit: Int = 300) -> String {
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit)) + "…" : collapsed
    }
}
