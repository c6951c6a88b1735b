import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) as a pure value: no clock, no I/O.
///
/// The caller passes the time as `amzDate` (`YYYYMMDDTHHMMSSZ`), so the same input always gives the same
/// signature. The stages carry the names of the AWS specification (canonical request, string to sign,
/// signing key, signature) and are internal so the tests compare each one with the published vectors.
///
/// ```swift
/// let signer = SigV4Signer(accessKeyID: id, secretAccessKey: secret, region: "us-east-1", service: "sagemaker")
/// let added = try signer.sign(method: "POST", url: "https://api.sagemaker.us-east-1.amazonaws.com/",
///                             headers: [("Content-Type", "application/x-amz-json-1.1")], body: body,
///                             amzDate: SigV4Signer.amzDate(from: now))
/// // added.headers: X-Amz-Date, (X-Amz-Security-Token,) Authorization
/// ```
public struct SigV4Signer: Sendable {
    /// The access key id (not a secret; it appears in the `Authorization` header).
    public var accessKeyID: String
    /// The secret access key. Never printed by `description`.
    public var secretAccessKey: String
    /// A session token (STS, SSO): sent as `X-Amz-Security-Token` and signed.
    public var sessionToken: String?
    /// The signing region (`us-east-1`).
    public var region: String
    /// The signing name of the service (`sagemaker`, `iam`, `s3`).
    public var service: String
    /// URI-encode each path segment twice (every service but S3). Defaults to `service != "s3"`.
    public var doubleEncodePath: Bool
    /// Remove `.`/`..` segments and duplicate slashes from the path (every service but S3). Defaults to `service != "s3"`.
    public var normalizePath: Bool

    /// The algorithm name written in the string to sign and the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Headers never signed: hop-by-hop headers, those proxies and clients change, and the ones the signer
    /// owns (it drops them from the input and sets its own). Matches botocore's list plus `content-length`,
    /// which libcurl computes itself.
    static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "content-length", "expect", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]
    /// Headers the signer sets itself; input headers with these names are replaced.
    static let ownedHeaders: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]

    /// Creates a signer for one credential, region and service.
    public init(
        accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, region: String, service: String
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken?.isEmpty == true ? nil : sessionToken
        self.region = region
        self.service = service
        self.doubleEncodePath = service != "s3"
        self.normalizePath = service != "s3"
    }

    // MARK: - Public API

    /// Signs a request given by its full URL. The `host` signed is the URL's host (with the port when it is
    /// not the scheme's default), exactly what libcurl sends when no `Host` header is given.
    ///
    /// - Parameters:
    ///   - method: `GET`, `POST`, …
    ///   - url: the URL as it will be sent (path and query already percent-encoded where needed).
    ///   - headers: the request's headers; those the signer owns (`Authorization`, `X-Amz-Date`,
    ///     `X-Amz-Security-Token`, `X-Amz-Content-Sha256`) are ignored and replaced.
    ///   - body: the exact body bytes.
    ///   - amzDate: the signing time as `YYYYMMDDTHHMMSSZ` (see ``amzDate(from:)``).
    ///   - includeContentSHA256: also send and sign `X-Amz-Content-Sha256` (S3 requires it).
    /// - Returns: the headers to add to the request, `Authorization` last.
    /// - Throws: ``SigningError`` with `.invalidInput` for a URL without a host or a malformed `amzDate`.
    public func sign(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8], amzDate: String,
        includeContentSHA256: Bool = false
    ) throws -> SigV4Signature {
        let parts = try SigV4URLParts(url)
        var all = headers.filter { $0.name.lowercased() != "host" }
        if let host = headers.first(where: { $0.name.lowercased() == "host" }) {
            all.append(host)
        } else {
            all.append((name: "Host", value: parts.host))
        }
        return try sign(
            method: method, path: parts.path, query: parts.query, headers: all, body: body, amzDate: amzDate,
            includeContentSHA256: includeContentSHA256)
    }

    /// Signs a request given by its path and decoded query parameters. `headers` must hold `Host`.
    ///
    /// - Parameters:
    ///   - path: the path as it will be sent (percent-encoded where needed), starting with `/`.
    ///   - query: decoded query parameters in any order; they are encoded and sorted for signing.
    ///   - headers: the request's headers, `Host` included; the signer's own headers are replaced.
    /// - Returns: the headers to add to the request, `Authorization` last.
    /// - Throws: ``SigningError`` with `.invalidInput` for a malformed `amzDate` or a missing `Host`.
    public func sign(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        body: [UInt8], amzDate: String, includeContentSHA256: Bool = false
    ) throws -> SigV4Signature {
        try Self.validate(amzDate: amzDate)
        guard headers.contains(where: { $0.name.lowercased() == "host" }) else {
            throw SigningError(.invalidInput, "SigV4 needs a Host header to sign")
        }
        let payloadHash = Hex.encode(Digest.sha256(body))
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let sessionToken { added.append(("X-Amz-Security-Token", sessionToken)) }
        if includeContentSHA256 { added.append(("X-Amz-Content-Sha256", payloadHash)) }
        let kept = headers.filter { !Self.ownedHeaders.contains($0.name.lowercased()) }
        let canonical = canonicalRequest(
            method: method, path: path, query: query, headers: kept + added, payloadHash: payloadHash)
        let toSign = stringToSign(canonicalRequest: canonical.text, amzDate: amzDate)
        let key = signingKey(date: String(amzDate.prefix(8)))
        let signatureHex = signature(stringToSign: toSign, signingKey: key)
        let authorization =
            "\(Self.algorithm) Credential=\(accessKeyID)/\(scope(amzDate: amzDate)), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signatureHex)"
        added.append(("Authorization", authorization))
        return SigV4Signature(
            headers: added, authorization: authorization, signature: signatureHex,
            signedHeaders: canonical.signedHeaders)
    }

    /// `date` as SigV4's `YYYYMMDDTHHMMSSZ` (UTC, whole seconds).
    public static func amzDate(from date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)\(two(month))\(two(day))T\(two(rest / 3600))\(two(rest % 3600 / 60))\(two(rest % 60))Z"
    }

    // MARK: - Stages (internal, named after the specification)

    /// The credential scope: `DATE/REGION/SERVICE/aws4_request`.
    func scope(amzDate: String) -> String {
        "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// Stage 1: the canonical request and the `SignedHeaders` list.
    func canonicalRequest(
        method: String, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let canonicalURI = self.canonicalURI(path)
        let canonicalQuery = Self.canonicalQuery(query)
        let canonicalHeaders = Self.canonicalHeaders(headers)
        let headerLines: [String] = canonicalHeaders.map { "\($0.name):\($0.value)\n" }
        let signedHeaders: String = canonicalHeaders.map(\.name).joined(separator: ";")
        let lines: [String] = [
            method.uppercased(), canonicalURI, canonicalQuery, headerLines.joined(), signedHeaders, payloadHash,
        ]
        return (lines.joined(separator: "\n"), signedHeaders)
    }

    /// Stage 2: the string to sign.
    func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        let hash = Hex.encode(Digest.sha256(canonicalRequest))
        return "\(Self.algorithm)\n\(amzDate)\n\(scope(amzDate: amzDate))\n\(hash)"
    }

    /// Stage 3a: the signing key for `date` (`YYYYMMDD`).
    func signingKey(date: String) -> [UInt8] {
        let kDate = Digest.hmacSHA256(key: Array("AWS4\(secretAccessKey)".utf8), date)
        let kRegion = Digest.hmacSHA256(key: kDate, region)
        let kService = Digest.hmacSHA256(key: kRegion, service)
        return Digest.hmacSHA256(key: kService, "aws4_request")
    }

    /// Stage 3b: the signature, lowercase hex.
    func signature(stringToSign: String, signingKey: [UInt8]) -> String {
        Hex.encode(Digest.hmacSHA256(key: signingKey, stringToSign))
    }

    // MARK: - Canonical forms

    /// The canonical URI: normalized (unless S3), each segment encoded once from its decoded form, and once
    /// more for every service but S3.
    func canonicalURI(_ path: String) -> String {
        var segments = (path.isEmpty ? "/" : path).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let leading = segments.first == ""
        if leading { segments.removeFirst() }
        let trailing = segments.count > 0 && segments.last == ""
        if normalizePath {
            var stack: [String] = []
            for segment in segments {
                switch segment {
                case "", ".": continue
                case "..": if !stack.isEmpty { stack.removeLast() }
                default: stack.append(segment)
                }
            }
            segments = stack
        }
        var encoded: [String] = segments.map { segment in
            let once = Self.uriEncode(bytes: Self.percentDecode(bytes: segment))
            return doubleEncodePath ? Self.uriEncode(once) : once
        }
        if normalizePath, trailing, !encoded.isEmpty { encoded.append("") }
        let joined = encoded.joined(separator: "/")
        return "/" + joined
    }

    /// The canonical query: each name and value encoded (RFC 3986 unreserved kept), sorted by name then value.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(String, String)] = query.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted: [(String, String)] = encoded.sorted { a, b in
            a.0 == b.0 ? Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
                : Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
        }
        let pairs: [String] = sorted.map { "\($0.0)=\($0.1)" }
        return pairs.joined(separator: "&")
    }

    /// Canonical headers: names lowercased, values trimmed with inner runs of spaces collapsed, repeated
    /// names joined with `,`, sorted by name; unsigned headers left out.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var merged: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased().trimmingCharacters(in: .whitespaces)
            guard !unsignedHeaders.contains(name) else { continue }
            merged[name, default: []].append(collapse(header.value))
        }
        let names: [String] = merged.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return names.map { (name: $0, value: merged[$0, default: []].joined(separator: ",")) }
    }

    static func collapse(_ value: String) -> String {
        var out = ""
        var lastWasSpace = false
        for ch in value.trimmingCharacters(in: .whitespacesAndNewlines) {
            if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
        }
        return out
    }

    /// Percent-encodes every byte but the RFC 3986 unreserved characters, with uppercase hex.
    static func uriEncode(_ text: String) -> String { uriEncode(bytes: Array(text.utf8)) }

    static func uriEncode(bytes: [UInt8]) -> String {
        var out = [UInt8]()
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` escapes to bytes; a `%` not followed by two hex digits is kept as it is. `+` stays `+`.
    static func percentDecode(bytes text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                let value = Hex.decode(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self))
            {
                out.append(value[0])
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// Decodes `%XX` escapes (see ``percentDecode(bytes:)``) into text.
    static func percentDecode(_ text: String) -> String {
        String(decoding: percentDecode(bytes: text), as: UTF8.self)
    }

    static func validate(amzDate: String) throws {
        let bytes = Array(amzDate.utf8)
        let digitPositions = Array(0..<8) + Array(9..<15)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            digitPositions.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) })
        else {
            throw SigningError(.invalidInput, "X-Amz-Date must look like 20150830T123600Z, got '\(amzDate)'")
        }
    }
}

extension SigV4Signer: CustomStringConvertible {
    /// Names the key id, region and service; the secret and session token never appear.
    public var description: String {
        "SigV4Signer(accessKeyID: \(accessKeyID), region: \(region), service: \(service)"
            + (sessionToken == nil ? ")" : ", sessionToken: ***)")
    }
}

/// The result of signing: the headers to add and the values tests and `--dry-run` show.
public struct SigV4Signature: Sendable {
    /// Headers to add, in order: `X-Amz-Date`, `X-Amz-Security-Token` (with a session token),
    /// `X-Amz-Content-Sha256` (when asked), `Authorization`.
    public var headers: [(name: String, value: String)]
    /// The `Authorization` header value.
    public var authorization: String
    /// The signature, lowercase hex.
    public var signature: String
    /// The `SignedHeaders` list (`content-type;host;x-amz-date`).
    public var signedHeaders: String
}

/// Host, path and decoded query of a URL, as SigV4 needs them.
struct SigV4URLParts {
    var host: String
    var path: String
    var query: [(name: String, value: String)]

    init(_ url: String) throws {
        guard let components = URLComponents(string: url), let rawHost = components.percentEncodedHost,
            !rawHost.isEmpty
        else {
            throw SigningError(.invalidInput, "cannot sign '\(url)': not an absolute URL with a host")
        }
        var host = rawHost.lowercased()
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        let scheme = components.scheme?.lowercased()
        if let port = components.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            host += ":\(port)"
        }
        self.host = host
        self.path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        var pairs: [(name: String, value: String)] = []
        if let query = components.percentEncodedQuery, !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = SigV4Signer.percentDecode(String(parts[0]))
                let value = parts.count > 1 ? SigV4Signer.percentDecode(String(parts[1])) : ""
                pairs.append((name, value))
            }
        }
        self.query = pairs
    }
}
