import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `FaultMiddleware` with GitLab's answers: a throttled request gets Rack::Attack's plain-text
/// `429 Retry later` with `Retry-After` and `RateLimit-*` headers, an unavailable one GitLab's
/// `503` JSON message; dropped connections, truncated bodies and slow answers are the shared ones.
public struct GitLabFaultMiddleware<Context: RequestContext>: RouterMiddleware {
    public let injector: FaultInjector

    public init(_ injector: FaultInjector) { self.injector = injector }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        switch injector.next(path: request.uri.path) {
        case nil:
            return try await next(request, context)
        case .throttle:
            let seconds = injector.plan.retryAfterSeconds
            var headers: HTTPFields = [.contentType: "text/plain", .retryAfter: String(seconds)]
            headers[HTTPField.Name("RateLimit-Name")!] = "throttle_authenticated_api"
            headers[HTTPField.Name("RateLimit-Limit")!] = "2000"
            headers[HTTPField.Name("RateLimit-Observed")!] = "2001"
            headers[HTTPField.Name("RateLimit-Remaining")!] = "0"
            headers[HTTPField.Name("RateLimit-Reset")!] = String(Int64(Date().timeIntervalSince1970) + Int64(seconds))
            return Response(status: .tooManyRequests, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "Retry later\n")))
        case .unavailable:
            return SimulatorJSON.response(status: 503, ["message": "503 Service Unavailable"])
        case .drop:
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentLength: "64"],
                body: ResponseBody { _ in throw SimulatedDrop() })
        case .truncate:
            return Response(
                status: .ok, headers: [.contentType: "application/json", .contentLength: "4096"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: #"{"registered_models": ["#))
                    throw SimulatedDrop()
                })
        case .slow:
            try await Task.sleep(for: injector.plan.slowDelay)
            return try await next(request, context)
        }
    }
}
