import ModelGateCore
import Testing

@testable import ModelGateTransport

@Suite struct ProviderErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let status: Int
        let body: String
        var headers: [(name: String, value: String)] = []
        let code: RegistryError.Code
        let providerCode: String?
        let message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "MLflow", status: 404,
            body: #"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=churn not found"}"#,
            code: .notFound, providerCode: "RESOURCE_DOES_NOT_EXIST", message: "Registered Model with name=churn not found"),
        Case(
            name: "MLflow already exists on 400", status: 400,
            body: #"{"error_code":"RESOURCE_ALREADY_EXISTS","message":"exists"}"#,
            code: .conflict, providerCode: "RESOURCE_ALREADY_EXISTS", message: "exists"),
        Case(
            name: "AWS JSON", status: 400,
            body: #"{"__type":"com.amazonaws.sagemaker#ValidationException","message":"1 validation error detected"}"#,
            code: .invalidRequest, providerCode: "ValidationException", message: "1 validation error detected"),
        Case(
            name: "AWS JSON throttling, capital Message", status: 400,
            body: #"{"__type":"ThrottlingException","Message":"Rate exceeded"}"#,
            code: .rateLimited, providerCode: "ThrottlingException", message: "Rate exceeded"),
        Case(
            name: "AWS JSON not found on 400", status: 400,
            body: #"{"__type":"ResourceNotFoundException","message":"Model package group not found"}"#,
            code: .notFound, providerCode: "ResourceNotFoundException", message: "Model package group not found"),
        Case(
            name: "AWS x-amzn-ErrorType header", status: 403, body: #"{"message":"denied"}"#,
            headers: [("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/")],
            code: .forbidden, providerCode: "AccessDeniedException", message: "denied"),
        Case(
            name: "AWS XML", status: 403,
            body: "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; more</Message></Error><RequestId>1</RequestId></ErrorResponse>",
            // A bad signature is a credentials problem even when AWS answers it with 403.
            code: .unauthorized, providerCode: "SignatureDoesNotMatch",
            message: "The request signature we calculated does not match & more"),
        Case(
            name: "moto XML as text/html", status: 400,
            body: "<ErrorResponse>\n  <Errors>\n    <Error>\n      <Code>InvalidClientTokenId</Code>\n      <Message>The security token included in the request is invalid.</Message>\n    </Error>\n  </Errors>\n</ErrorResponse>",
            headers: [("Content-Type", "text/html; charset=utf-8")],
            code: .unauthorized, providerCode: "InvalidClientTokenId",
            message: "The security token included in the request is invalid."),
        Case(
            name: "Google", status: 404,
            body: #"{"error":{"code":404,"message":"Model projects/p/locations/l/models/m not found.","status":"NOT_FOUND"}}"#,
            code: .notFound, providerCode: "NOT_FOUND", message: "Model projects/p/locations/l/models/m not found."),
        Case(
            name: "Azure ARM", status: 409,
            body: #"{"error":{"code":"UserError","message":"Model version already exists","details":[]}}"#,
            code: .conflict, providerCode: "UserError", message: "Model version already exists"),
        Case(
            name: "GraphQL", status: 200 + 300,
            body: #"{"errors":[{"message":"permission denied","extensions":{"code":"PERMISSION_ERROR"}},{"message":"second"}]}"#,
            code: .serverError, providerCode: "PERMISSION_ERROR", message: "permission denied; second"),
        Case(
            name: "GitLab message", status: 404, body: #"{"message":"404 Project Not Found"}"#,
            code: .notFound, providerCode: nil, message: "404 Project Not Found"),
        Case(
            name: "GitLab validation object", status: 400, body: #"{"message":{"name":["has already been taken"]}}"#,
            code: .invalidRequest, providerCode: nil, message: #"{"name":["has already been taken"]}"#),
        Case(
            name: "GitLab error", status: 401, body: #"{"error":"invalid_token","error_description":"Token was revoked"}"#,
            code: .unauthorized, providerCode: "invalid_token", message: "Token was revoked"),
        Case(
            name: "plain error string", status: 422, body: #"{"error":"name is missing"}"#,
            code: .invalidRequest, providerCode: nil, message: "name is missing"),
        Case(
            name: "plain text", status: 502, body: "  upstream connect error\n  or disconnect  ",
            code: .serverError, providerCode: nil, message: "upstream connect error or disconnect"),
        Case(
            name: "HTML page", status: 503, body: "<html><head><title>503 Service Unavailable</title></head><body>x</body></html>",
            code: .serverError, providerCode: nil, message: "503 Service Unavailable"),
        Case(name: "empty", status: 429, body: "", code: .rateLimited, providerCode: nil, message: "too many requests"),
    ]

    @Test(arguments: cases)
    func parsesProviderErrors(_ testCase: Case) {
        let response = TransportResponse(
            status: testCase.status, headers: testCase.headers, body: Array(testCase.body.utf8), attempts: 2)
        let request = TransportRequest(
            url: "https://registry.example/api/x?access_token=abc", headers: [("Authorization", "Bearer tok")], registry: "reg")
        let error = RegistryError(response: response, request: request)
        #expect(error.code == testCase.code)
        #expect(error.providerCode == testCase.providerCode)
        #expect(error.message == testCase.message)
        #expect(error.httpStatus == testCase.status)
        #expect(error.registry == "reg")
        #expect(error.operation == "GET /api/x")
        #expect(error.attempts == 2)
        #expect(!error.description.contains("Bearer tok"))
        #expect(!error.description.contains("abc"))
    }

    @Test func longBodiesAreCutToAnExcerpt() {
        let body = String(repeating: "word ", count: 1000)
        let error = RegistryError(
            response: TransportResponse(status: 500, body: Array(body.utf8)), request: TransportRequest(url: "http://h/x"))
        #expect(error.message.count <= ProviderErrorDetails.maxMessageLength)
        #expect(error.message.hasPrefix("word word"))
        #expect(error.message.hasSuffix("…"))
    }

    @Test func secretsEchoedInAnErrorBodyAreScrubbed() {
        let body = #"{"message":"bad request to https://x/y?access_token=leaky1 with Bearer leaky2token","access_token":"leaky3"}"#
        let error = RegistryError(
            response: TransportResponse(status: 400, body: Array(body.utf8)), request: TransportRequest(url: "http://h/x"))
        #expect(!error.description.contains("leaky"))
    }

    @Test(arguments: [(401, "unauthorized"), (403, "forbidden"), (404, "notFound"), (409, "conflict"), (400, "invalidRequest"), (422, "invalidRequest"), (429, "rateLimited"), (500, "serverError"), (503, "serverError")])
    func statusesMapToCodes(status: Int, code: String) {
        #expect(RegistryError.code(forStatus: status).description == code)
    }
}
