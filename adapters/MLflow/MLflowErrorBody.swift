import Foundation
import ModelGateTransport

/// Text helpers for MLflow answers that are not what the API documents.
///
/// Error answers themselves are parsed by the transport's shared `RegistryError(response:request:)`
/// (`ProviderErrorDetails` reads MLflow's `{"error_code","message"}`, the 405 HTML page and the basic-auth
/// app's plain-text 401/403 bodies).
enum MLflowErrorBody {
    /// A short one-line version of a body for messages: whitespace collapsed, clipped.
    static func excerpt(_ text: String, limit: Int = 300) -> String {
        Redactor.excerpt(body: text, limit: limit)  // secrets scrubbed (issue 15 item 14)
    }
}
