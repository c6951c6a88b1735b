import Foundation
import ModelGateCore
import ModelGateTransport
import Synchronization

/// One request as the fake MLflow server saw it.
struct SeenRequest: Sendable {
    var method: HTTPMethod
    /// The path below the API base, e.g. `registered-models/search`.
    var endpoint: String
    var query: [(name: String, value: String)]
    var body: JSONValue?
    var request: TransportRequest

    var route: String { "\(method.rawValue) \(endpoint)" }

    func query(_ name: String) -> String? { query.first { $0.name == name }?.value }
    func queryAll(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }
}

/// An `HTTPTransport` that answers like an MLflow server from handlers routed by `METHOD endpoint`,
/// and records every request. Unknown routes get MLflow's 404 HTML page.
final class FakeTransport: HTTPTransport, Sendable {
    typealias Handler = @Sendable (SeenRequest) -> TransportResponse

    let basePath: String
    private let routes: [String: Handler]
    private let log = Mutex<[SeenRequest]>([])

    init(basePath: String = "/api/2.0/mlflow", routes: [String: Handler]) {
        self.basePath = basePath
        self.routes = routes
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        guard let components = URLComponents(string: request.url) else {
            return TransportResponse(status: 400, body: Array("bad url".utf8))
        }
        var endpoint = components.path
        if endpoint.hasPrefix(basePath + "/") { endpoint.removeFirst(basePath.count + 1) }
        let query = (components.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") }
        let body = request.body.isEmpty ? nil : try? JSONValue.parse(Data(request.body))
        let seen = SeenRequest(method: request.method, endpoint: endpoint, query: query, body: body, request: request)
        log.withLock { $0.append(seen) }
        guard let handler = routes[seen.route] else {
            return Self.html(404, title: "404 Not Found")
        }
        var response = handler(seen)
        response.url = request.url
        return response
    }

    var requests: [SeenRequest] { log.withLock { $0 } }

    func requests(_ route: String) -> [SeenRequest] { requests.filter { $0.route == route } }

    static func json(_ text: String, status: Int = 200) -> TransportResponse {
        TransportResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    static func html(_ status: Int, title: String) -> TransportResponse {
        let page = "<!doctype html>\n<html lang=en>\n<title>\(title)</title>\n<h1>\(title)</h1>\n"
        return TransportResponse(status: status, headers: [("Content-Type", "text/html")], body: Array(page.utf8))
    }

    static func text(_ status: Int, _ body: String) -> TransportResponse {
        TransportResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(body.utf8))
    }
}
