import Testing
@Test func placeholderSigning() { #expect(Bool(true)) }
