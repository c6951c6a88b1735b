import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import NIOCore

/// JSON in and out of the simulators.
public enum SimulatorJSON {
    /// A response with `object` (anything `JSONSerialization` takes) as its JSON body.
    public static func response(status: Int, _ object: Any, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response with a `JSONValue` body.
    public static func response(status: Int, value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonString())))
    }

    /// The request body (at most `limit` bytes).
    public static func body(of request: Request, limit: Int = 8 << 20) async throws -> [UInt8] {
        Array(try await request.body.collect(upTo: limit).readableBytesView)
    }

    /// The request body parsed as JSON; nil when it is empty or not JSON.
    public static func json(of request: Request, limit: Int = 8 << 20) async throws -> JSONValue? {
        let bytes = try await body(of: request, limit: limit)
        guard !bytes.isEmpty else { return nil }
        return try? JSONValue.parse(Data(bytes))
    }

    /// `application/x-www-form-urlencoded` fields.
    public static func form(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            func decode(_ text: String) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

extension SimulatorJSON {
    /// The request's query as decoded pairs, in order (`+` read as a space, percent escapes undone).
    static func decodedQuery(of request: Request) -> [(String, String)] {
        var query: [(String, String)] = []
        for (key, value) in request.uri.queryParameters {
            let name = String(key).removingPercentEncoding ?? String(key)
            let text = String(value).replacingOccurrences(of: "+", with: " ")
            query.append((name, text.removingPercentEncoding ?? text))
        }
        return query
    }

    /// Sends every request under `group`, whatever its method, to `respond` (a simulator that routes by itself).
    static func routeEverything<Context: RequestContext>(
        _ group: RouterGroup<Context>, to respond: @escaping @Sendable (Request) async throws -> Response
    ) {
        for method in [HTTPRequest.Method.get, .post, .patch, .put, .delete] {
            group.on("**", method: method) { request, _ -> Response in try await respond(request) }
        }
    }
}
