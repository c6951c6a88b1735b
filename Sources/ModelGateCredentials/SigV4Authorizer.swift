import Foundation
import ModelGateCore
import ModelGateSigning
import ModelGateTransport

/// Signs each request with AWS Signature V4 just before it is sent.
///
/// The signed `host` is taken from the URL (with a non-default port), which is what libcurl sends; the
/// body hash covers the exact body bytes. The credential is asked for on every call, so a rotated or
/// expired credential is noticed at once; an expired one is refused with `RegistryError(.credentials)`.
public struct SigV4Authorizer: RequestAuthorizer, CustomStringConvertible {
    /// The signing region.
    public let region: String
    /// The signing name of the service (`sagemaker`).
    public let service: String
    /// Also send and sign `X-Amz-Content-Sha256` (S3).
    public let includeContentSHA256: Bool
    private let credentials: any AWSCredentialProvider
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - region: the signing region (`us-east-1`).
    ///   - service: the signing name (`sagemaker`).
    ///   - credentials: where credentials come from (usually ``AWSCredentialChain/standard(profile:environment:homeDirectory:)``).
    ///   - includeContentSHA256: also send and sign `X-Amz-Content-Sha256`.
    ///   - now: the clock (injected; `Date()` in production).
    public init(
        region: String, service: String, credentials: any AWSCredentialProvider, includeContentSHA256: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.service = service
        self.credentials = credentials
        self.includeContentSHA256 = includeContentSHA256
        self.now = now
    }

    public func authorize(_ request: inout TransportRequest) async throws {
        let time = now()
        let credential = try await credentials.usableCredential(registry: request.registry, now: time)
        let signer = SigV4Signer(
            accessKeyID: credential.accessKeyID, secretAccessKey: credential.secretAccessKey,
            sessionToken: credential.sessionToken, region: region, service: service)
        let signature: SigV4Signature
        do {
            signature = try signer.sign(
                method: request.method.rawValue, url: request.url, headers: request.headers, body: request.body,
                amzDate: SigV4Signer.amzDate(from: time), includeContentSHA256: includeContentSHA256)
        } catch let error as SigningError {
            throw RegistryError(
                code: .configuration, registry: request.registry,
                operation: request.operation ?? "\(request.method.rawValue) \(request.url)",
                message: "cannot sign the request with SigV4: \(error.message)", underlying: error)
        }
        for header in signature.headers {
            request.setHeader(header.name, header.value)
            request.sensitiveHeaders.insert(header.name)
        }
    }

    public var description: String { "SigV4Authorizer(region: \(region), service: \(service), credentials: \(credentials))" }
}
