import Foundation
import Testing

/// One vector of `Fixtures/sigv4-test-vectors.json`.
struct SigV4Vector: Decodable, Sendable, CustomTestStringConvertible {
    struct Request: Decodable, Sendable {
        let method: String
        let path: String
        let query: [[String]]
        let signed_headers_in_order_given: [[String]]
        let body: String
    }
    struct Expected: Decodable, Sendable {
        let canonical_request: String
        let canonical_request_sha256: String
        let string_to_sign: String
        let signing_key_hex: String
        let signature: String
        let authorization: String
    }

    let name: String
    let access_key_id: String
    let secret_access_key: String
    let amz_date: String
    let region: String
    let service: String
    let request: Request
    let expected: Expected

    var testDescription: String { name }

    var headers: [(name: String, value: String)] { request.signed_headers_in_order_given.map { ($0[0], $0[1]) } }
    var query: [(name: String, value: String)] { request.query.map { ($0[0], $0[1]) } }
    var sessionToken: String? { headers.first { $0.name.lowercased() == "x-amz-security-token" }?.value }

    struct File: Decodable {
        struct KeyExample: Decodable { let expected_kSigning_hex: String }
        let signing_key_derivation_example: KeyExample
        let vectors: [SigV4Vector]
    }

    static func file() throws -> File {
        guard let url = Bundle.module.url(forResource: "sigv4-test-vectors", withExtension: "json", subdirectory: "Fixtures")
        else { throw CocoaError(.fileNoSuchFile) }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    static func all() throws -> [SigV4Vector] { try file().vectors }
}
