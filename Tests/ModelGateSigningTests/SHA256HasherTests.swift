import Testing

@testable import ModelGateSigning

@Suite struct SHA256HasherTests {
    @Test func feedingInPiecesGivesTheOneShotDigest() {
        let empty = SHA256Hasher()
        #expect(Hex.encode(empty.finalize()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

        // FIPS 180-2 two-block message, fed in pieces (the padding spills into a second block).
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        let hasher = SHA256Hasher()
        hasher.update(Array(message[..<7]))
        hasher.update([])
        hasher.update(Array(message[7..<40]))
        hasher.update(Array(message[40...]))
        let digest = hasher.finalize()
        #expect(Hex.encode(digest) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest == Digest.sha256(message))
    }
}
