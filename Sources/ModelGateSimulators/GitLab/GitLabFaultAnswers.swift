import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension FaultAnswers {
    /// GitLab's answers: a throttled request gets Rack::Attack's plain-text `429 Retry later` with
    /// `Retry-After` and `RateLimit-*` headers, an unavailable one GitLab's `503` JSON message.
    public static let gitLab = FaultAnswers(
        throttled: { plan in
            let seconds = plan.retryAfterSeconds
            var headers: HTTPFields = [.contentType: "text/plain", .retryAfter: String(seconds)]
            headers[HTTPField.Name("RateLimit-Name")!] = "throttle_authenticated_api"
            headers[HTTPField.Name("RateLimit-Limit")!] = "2000"
            headers[HTTPField.Name("RateLimit-Observed")!] = "2001"
            headers[HTTPField.Name("RateLimit-Remaining")!] = "0"
            headers[HTTPField.Name("RateLimit-Reset")!] = String(Int64(Date().timeIntervalSince1970) + Int64(seconds))
            return Response(
                status: .tooManyRequests, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "Retry later\n")))
        },
        unavailable: { SimulatorJSON.response(status: 503, ["message": "503 Service Unavailable"]) })
}
