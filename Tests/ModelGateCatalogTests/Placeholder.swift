import Testing
@Test func placeholderCatalog() { #expect(Bool(true)) }
