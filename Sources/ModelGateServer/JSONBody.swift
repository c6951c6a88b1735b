import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON responses with the encoder every route uses (keys sorted, so outputs are stable).
enum JSONBody {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` encoded as JSON with `status`.
    static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = HTTPFields()
    ) throws -> Response {
        let data = try encoder().encode(value)
        return raw(data, status: status, headers: extra)
    }

    /// A `JSONSerialization` object (dictionaries, arrays, strings, numbers, NSNull) as JSON.
    static func object(_ value: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        return raw(data, status: status)
    }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = HTTPFields())
        -> Response
    {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Text (HTML, Prometheus, …) with its content type.
    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Reads a JSON object body of at most `maxBytes`; an empty body is `{}`.
    static func readObject(_ request: Request, maxBytes: Int) async throws(APIError) -> [String: Any] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", "the request body exceeds \(maxBytes) bytes", field: "body")
        }
        let data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dictionary = object as? [String: Any] else {
            throw APIError.invalid("body", "the request body must be a JSON object")
        }
        return dictionary
    }
}

/// Typed reads of a decoded JSON body, each failing with a 400 that names the field.
struct BodyFields {
    let object: [String: Any]

    func string(_ key: String, required: Bool = false) throws(APIError) -> String? {
        guard let value = object[key], !(value is NSNull) else {
            if required { throw APIError.invalid(key, "\(key) is required") }
            return nil
        }
        guard let text = value as? String else { throw APIError.invalid(key, "\(key) must be a string") }
        if required, text.isEmpty { throw APIError.invalid(key, "\(key) is required") }
        return text
    }

    func bool(_ key: String) throws(APIError) -> Bool {
        guard let value = object[key], !(value is NSNull) else { return false }
        guard let flag = value as? Bool else { throw APIError.invalid(key, "\(key) must be true or false") }
        return flag
    }

    func strings(_ key: String) throws(APIError) -> [String] {
        guard let value = object[key], !(value is NSNull) else { return [] }
        if let one = value as? String { return [one] }
        guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
            throw APIError.invalid(key, "\(key) must be a list of strings")
        }
        return list.compactMap { $0 as? String }
    }

    /// Rejects keys this route does not know (a typo should not be silently ignored).
    func rejectUnknown(allowed: Set<String>) throws(APIError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.invalid(unknown, "unknown field '\(unknown)'; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }
}

