import Foundation
import HTTPTypes
import Hummingbird
import ModelGateCore
import ModelGateSigning
import NIOCore
import Synchronization

/// A local stand-in for the SageMaker Model Registry over the AWS JSON 1.1 protocol, per
/// `shared/specs/aws/sagemaker-model-registry.service-2.trimmed.json`: `POST /` (or `POST <pathPrefix>/`) with
/// `X-Amz-Target: SageMaker.<Operation>` for `ListModelPackageGroups`, `DescribeModelPackageGroup`,
/// `CreateModelPackageGroup`, `DeleteModelPackageGroup`, `ListModelPackages`, `DescribeModelPackage`,
/// `CreateModelPackage`, `UpdateModelPackage`, `DeleteModelPackage`, `AddTags`, `DeleteTags`, `ListTags` and
/// `Search`.
///
/// Every request must carry a valid AWS Signature V4 (service `sagemaker`, the simulator's region) made with one
/// of the configured key pairs; the signature is recomputed with `ModelGateSigning.SigV4Signer`. Errors are AWS's
/// JSON shape `{"__type","message"}` with `x-amzn-ErrorType`; missing groups and packages are 400
/// `ValidationException`, as SageMaker reports them. Paging uses opaque `NextToken`s; `ClientToken` is honoured;
/// `UpdateModelPackage` merges (unlike moto). See `Sources/ModelGateSimulators/SageMaker/README.md`.
///
/// ```swift
/// let simulator = SageMakerSimulator(keys: ["AKIDEXAMPLE": "secret"], pathPrefix: "/sagemaker")
/// let router = Router()
/// simulator.addRoutes(to: router)
/// let host = try await SimulatorHost.start(router)  // endpoint: host.baseURL + "/sagemaker"
/// ```
public final class SageMakerSimulator: Sendable {
    public static let account = "123456789012"
    public static let service = "sagemaker"
    /// The container image seeded versions use for `InferenceSpecification` (their artifact is its `ModelDataUrl`).
    public static let defaultServingImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1"
    /// `MaxResults` of the `List*` calls and `Search`.
    public static let maxPageSize = 100
    public static let approvalStatuses: Set<String> = ["PendingManualApproval", "Approved", "Rejected"]

    struct Group: Sendable {
        var name: String
        var description: String?
        var creation: Double
        var createdBy: String
    }

    struct Package: Sendable {
        var arn: String
        var group: String
        var version: Int
        /// Every field as `DescribeModelPackage` answers it.
        var object: [String: JSONValue]
    }

    struct State: Sendable {
        var groups: [Group] = []
        var packages: [Package] = []
        var tags: [String: [(key: String, value: String)]] = [:]
        var clientTokens: [String: String] = [:]
        /// Highest version number handed out per group (numbers are not reused after a delete).
        var lastVersion: [String: Int] = [:]
        var lastTime: Double = 0
        var requests: [String] = []
    }

    /// One configured key pair; `sessionToken` must then be sent (and signed) with it.
    public struct Key: Sendable, Hashable {
        public var secret: String
        public var sessionToken: String?
        public init(secret: String, sessionToken: String? = nil) {
            self.secret = secret
            self.sessionToken = sessionToken
        }
    }

    public let region: String
    /// `""` (served at `/`) or a prefix such as `/sagemaker` (served at `/sagemaker/`).
    public let pathPrefix: String
    public let faults: FaultInjector
    /// How far `X-Amz-Date` may be from the simulator's clock (AWS: 5 minutes).
    public let maxClockSkew: TimeInterval
    private let keys: Mutex<[String: Key]>
    let state: Mutex<State>
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - keys: access key id → secret access key, the only credentials accepted.
    ///   - region: the region signatures must be scoped to; it also goes into ARNs.
    ///   - pathPrefix: where the protocol's `POST /` is mounted (so that other simulators can share the host).
    ///   - faults: injected in front of the route (a throttle is AWS's 400 `ThrottlingException`).
    public init(
        keys: [String: String], region: String = "us-east-1", pathPrefix: String = "",
        faults: FaultInjector = FaultInjector(), maxClockSkew: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.keys = Mutex(keys.mapValues { Key(secret: $0) })
        self.region = region
        var prefix = pathPrefix
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if !prefix.isEmpty, !prefix.hasPrefix("/") { prefix = "/" + prefix }
        self.pathPrefix = prefix
        self.faults = faults
        self.maxClockSkew = maxClockSkew
        self.clock = now
        self.state = Mutex(State())
    }

    /// Adds or replaces a key pair (with a session token, for temporary credentials).
    public func setKey(_ accessKeyID: String, _ key: Key) { keys.withLock { $0[accessKeyID] = key } }
    /// Removes every key pair: every request is then refused.
    public func revokeAllKeys() { keys.withLock { $0.removeAll() } }

    /// The operations that passed auth, in order (`ListModelPackages`).
    public var requestLog: [String] { state.withLock { $0.requests } }

    /// Names of the stored groups, in creation order.
    public var groupNames: [String] { state.withLock { $0.groups.map(\.name) } }

    /// Every package of `group` as `DescribeModelPackage` answers it, by version.
    public func packagesJSON(group: String) -> [JSONValue] {
        state.withLock { state in
            state.packages.filter { $0.group == group }.sorted { $0.version < $1.version }.map { .object($0.object) }
        }
    }

    func groupARN(_ name: String) -> String {
        "arn:aws:sagemaker:\(region):\(Self.account):model-package-group/\(name)"
    }

    func packageARN(group: String, version: Int) -> String {
        "arn:aws:sagemaker:\(region):\(Self.account):model-package/\(group.lowercased())/\(version)"
    }

    // MARK: - Routes

    /// Adds `POST <pathPrefix>/` with SageMaker-style fault injection in front of it.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let handler: @Sendable (Request, Context) async throws -> Response = { request, _ in
            try await self.respond(to: request)
        }
        let group = router.group(RouterPath(pathPrefix)).add(middleware: FaultMiddleware<Context>(faults, answers: .sageMaker))
        group.post(use: handler)
    }

    func respond(to request: Request) async throws -> Response {
        let body = try await SimulatorJSON.body(of: request, limit: 4 << 20)
        var headers: [(name: String, value: String)] = []
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        if let authority = request.head.authority { headers.append(("host", authority)) }
        var query: [(name: String, value: String)] = []
        for (key, value) in request.uri.queryParameters {
            query.append((String(key).removingPercentEncoding ?? String(key), String(value).removingPercentEncoding ?? String(value)))
        }
        let (status, json, errorType) = handle(
            method: request.method.rawValue, path: request.uri.path, query: query, headers: headers, body: body)
        var fields: HTTPFields = [:]
        fields[.contentType] = "application/x-amz-json-1.1"
        fields[HTTPField.Name("x-amzn-RequestId")!] = UUID().uuidString.lowercased()
        if let errorType { fields[HTTPField.Name("x-amzn-ErrorType")!] = errorType }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: json.jsonString())))
    }

    /// The whole protocol as a function of the request: `(status, JSON body, x-amzn-ErrorType)`.
    func handle(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        body: [UInt8]
    ) -> (Int, JSONValue, String?) {
        do throws(SageMakerAPIError) {
            try verifySignature(method: method, path: path, query: query, headers: headers, body: body)
            let target = Self.header(headers, "x-amz-target") ?? ""
            guard target.hasPrefix("SageMaker."), target.count > "SageMaker.".count else {
                throw SageMakerAPIError("UnknownOperationException", "", status: 400)
            }
            let operation = String(target.dropFirst("SageMaker.".count))
            let input: [String: JSONValue]
            if body.isEmpty {
                input = [:]
            } else {
                guard let json = try? JSONValue.parse(Data(body)), let object = json.objectValue else {
                    throw SageMakerAPIError("SerializationException", "Start of structure or map found where not expected.")
                }
                input = object
            }
            state.withLock { $0.requests.append(operation) }
            return (200, try perform(operation, input), nil)
        } catch {
            return (error.status, ["__type": .string(error.code), "message": .string(error.message)], error.code)
        }
    }

    static func header(_ headers: [(name: String, value: String)], _ name: String) -> String? {
        let values = headers.filter { $0.name.lowercased() == name }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    // MARK: - SigV4

    /// Recomputes the request's Signature V4 with the secret of its access key and compares.
    func verifySignature(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        body: [UInt8]
    ) throws(SageMakerAPIError) {
        guard let authorization = Self.header(headers, "authorization"), authorization.hasPrefix(SigV4Signer.algorithm + " ")
        else {
            throw SageMakerAPIError("MissingAuthenticationTokenException", "Missing Authentication Token", status: 403)
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(SigV4Signer.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw SageMakerAPIError(
                "IncompleteSignatureException",
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=\(SigV4Signer.algorithm)",
                status: 403)
        }
        let scope = credential.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else {
            throw SageMakerAPIError("IncompleteSignatureException", "Credential is malformed: expected KEY/DATE/REGION/SERVICE/aws4_request.", status: 403)
        }
        let accessKeyID = scope[0]
        guard let key = keys.withLock({ $0[accessKeyID] }) else {
            throw SageMakerAPIError("UnrecognizedClientException", "The security token included in the request is invalid.", status: 403)
        }
        let token = Self.header(headers, "x-amz-security-token")
        if token != key.sessionToken {
            throw SageMakerAPIError("UnrecognizedClientException", "The security token included in the request is invalid.", status: 403)
        }
        guard scope[2] == region else {
            throw SageMakerAPIError(
                "InvalidSignatureException", "Credential should be scoped to a valid region. ", status: 403)
        }
        guard scope[3] == Self.service else {
            throw SageMakerAPIError(
                "InvalidSignatureException", "Credential should be scoped to correct service: '\(Self.service)'. ", status: 403)
        }
        guard let amzDate = Self.header(headers, "x-amz-date"), let date = Self.parseAmzDate(amzDate),
            amzDate.hasPrefix(scope[1])
        else {
            throw SageMakerAPIError(
                "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
                status: 403)
        }
        let now = clock()
        if abs(date.timeIntervalSince(now)) > maxClockSkew {
            throw SageMakerAPIError(
                "InvalidSignatureException",
                "Signature expired: \(amzDate) is now earlier than \(SigV4Signer.amzDate(from: now.addingTimeInterval(-maxClockSkew))) (\(SigV4Signer.amzDate(from: now)) - 5 min.)",
                status: 403)
        }
        let names = signedHeaders.split(separator: ";").map { String($0) }
        guard names.contains("host") else {
            throw SageMakerAPIError("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.", status: 403)
        }
        let owned: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
        var signed: [(name: String, value: String)] = []
        for name in names where !owned.contains(name) {
            guard let value = Self.header(headers, name) else {
                throw SageMakerAPIError(
                    "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                    status: 403)
            }
            signed.append((name, value))
        }
        let signer = SigV4Signer(
            accessKeyID: accessKeyID, secretAccessKey: key.secret,
            sessionToken: names.contains("x-amz-security-token") ? token : nil, region: region, service: Self.service)
        let expected = try? signer.sign(
            method: method, path: path, query: query, headers: signed, body: body, amzDate: amzDate,
            includeContentSHA256: names.contains("x-amz-content-sha256"))
        guard let expected, expected.signedHeaders == signedHeaders,
            Self.constantTimeEqual(expected.signature, signature)
        else {
            throw SageMakerAPIError(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                status: 403)
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// `YYYYMMDDTHHMMSSZ` as a date.
    static func parseAmzDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)
    }
}

/// An AWS JSON error: `{"__type": code, "message"}` with `x-amzn-ErrorType: code`.
struct SageMakerAPIError: Error, Sendable {
    var code: String
    var message: String
    var status: Int

    init(_ code: String, _ message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.status = status
    }

    static func validation(_ message: String) -> SageMakerAPIError { SageMakerAPIError("ValidationException", message) }
}

extension FaultAnswers {
    /// SageMaker's answers: a throttled request is HTTP 400 `ThrottlingException` "Rate exceeded" (no
    /// `Retry-After`; AWS clients back off on the code), an unavailable one 503 `ServiceUnavailable`.
    public static let sageMaker = FaultAnswers(
        throttled: { _ in
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("x-amzn-ErrorType")!] = "ThrottlingException"
            headers[.contentType] = "application/x-amz-json-1.1"
            return Response(
                status: .badRequest, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)))
        },
        unavailable: {
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("x-amzn-ErrorType")!] = "ServiceUnavailable"
            headers[.contentType] = "application/x-amz-json-1.1"
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: #"{"__type":"ServiceUnavailable","message":"Service Unavailable (simulated)"}"#)))
        })
}
