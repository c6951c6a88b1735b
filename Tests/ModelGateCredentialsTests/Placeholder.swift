import Testing
@Test func placeholderCredentials() { #expect(Bool(true)) }
