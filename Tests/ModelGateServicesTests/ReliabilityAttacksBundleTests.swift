#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ModelGateCore
import Synchronization
import Testing

@testable import ModelGateServices

/// Issue 15 item 16: a bundle from someone else is read without following links, blocking, or unbounded lines.
@Suite("Reliability: attacks — bundles")
struct ReliabilityAttacksBundleTests {
    func bundle() async throws -> URL { try await BundleVerificationTests.bundle() }

    final class Outcome: Sendable {
        private let state = Mutex<BundleError??>(nil)
        func finish(_ error: BundleError?) { state.withLock { $0 = .some(error) } }
        var result: BundleError?? { state.withLock { $0 } }
    }

    func setDigest(_ bundle: URL, _ file: String, _ digest: String) throws {
        try BundleFixture.editManifest(bundle) { manifest in
            var files = manifest["files"]?.objectValue ?? [:]
            files[file] = .string(digest)
            manifest["files"] = .object(files)
        }
    }

    // Item 16: the bundle directory itself as a symlink was followed.
    @Test func aSymlinkedBundleDirectoryIsRefused() async throws {
        let real = try await bundle()
        let link = real.deletingLastPathComponent().appendingPathComponent("link-to-bundle")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let error = try #require(BundleFixture.refusal(link))
        #expect(error.code == .unsafePath)
        #expect(error.description.contains("symlink"))
        #expect(throws: BundleError.self) { _ = try BundleReader.detectFormat(at: link) }
    }

    // Item 16: manifest.json as a symlink (here to /dev/zero-like content elsewhere) is refused before it is read.
    @Test func aSymlinkedManifestIsRefusedBeforeItIsRead() async throws {
        let bundle = try await bundle()
        let manifest = bundle.appendingPathComponent("manifest.json")
        let outside = bundle.deletingLastPathComponent().appendingPathComponent("manifest-copy.json")
        try FileManager.default.moveItem(at: manifest, to: outside)
        try FileManager.default.createSymbolicLink(at: manifest, withDestinationURL: outside)
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .unsafePath)
        #expect(error.file == "manifest.json")
        // Pointing at a device would have been read forever; it is refused the same way without a read.
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.createSymbolicLink(atPath: manifest.path, withDestinationPath: "/dev/zero")
        #expect(BundleFixture.refusal(bundle)?.code == .unsafePath)
    }

    // Item 16: a FIFO listed as a data file blocked the reader forever (open without O_NONBLOCK, no writer).
    @Test func aFIFOListedAsADataFileIsRefusedWithoutBlocking() async throws {
        let bundle = try await bundle()
        let url = bundle.appendingPathComponent("changes.jsonl")
        try FileManager.default.removeItem(at: url)
        #expect(mkfifo(url.path, 0o644) == 0)
        let outcome = Outcome()
        // A thread of its own: if the read blocks, it blocks there, not a test-pool thread.
        Thread(block: { outcome.finish(BundleFixture.refusal(bundle)) }).start()
        let deadline = Date().addingTimeInterval(10)
        while outcome.result == nil, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let blocked = outcome.result == nil
        if blocked {
            // Unblock the stuck reader (a writer appears, then leaves) so the test run can go on.
            let writer = open(url.path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            while outcome.result == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(!blocked, "reading the bundle blocked on the FIFO")
        let error = try #require(outcome.result ?? nil)
        #expect(error.code == .unsafePath)
        #expect(error.description.contains("changes.jsonl") && error.description.contains("not a regular file"))
    }

    // Item 16: one JSON Lines line of any length was buffered whole; past 16 MiB it is refused naming file and line.
    @Test func anOverlongLineIsRefusedNamingTheFileAndLine() async throws {
        let bundle = try await bundle()
        let url = bundle.appendingPathComponent("changes.jsonl")
        var data = try Data(contentsOf: url)
        data.append(Data(repeating: UInt8(ascii: "x"), count: BundleFile.maxLineBytes + 10))
        data.append(0x0A)
        try data.write(to: url)
        try setDigest(bundle, "changes.jsonl", try BundleFixture.sha256sum(url))
        let lineCount = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
        let error = try #require(BundleFixture.refusal(bundle))
        #expect(error.code == .invalidLine)
        #expect(error.description.hasPrefix("changes.jsonl line \(lineCount) is longer than 16 MiB"), "\(error)")
    }
}
