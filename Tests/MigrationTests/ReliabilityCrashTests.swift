import Foundation
import ModelGateAdapterKit
import ModelGateCatalog
import ModelGateConfig
import ModelGateCore
import ModelGateServices
import ModelGateSimulators
import Testing

/// The reliability suite's crash part: `modelgate sync` and `modelgate migrate apply` killed with SIGKILL at random
/// moments. After each kill the catalog passes `PRAGMA integrity_check`; the next run converges with no duplicate
/// and no lost version, and an interrupted migration ends as an uninterrupted one does.
@Suite("Reliability: crashes", .serialized)
struct ReliabilityCrashTests {
    static var kills: Int { ReliabilityFaultTests.full ? 10 : 4 }

    /// The `modelgate` binary of this build (it sits next to the test bundle).
    static let binary: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("modelgate")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/modelgate")
    }()

    /// A deterministic source of kill moments, so a failure can be replayed (the seed is in the test's messages).
    struct Moments {
        var state: UInt64
        mutating func next(upTo milliseconds: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(max(milliseconds, 1)))
        }
    }

    /// Writes a config for the simulated registries with the catalog in `world.directory`; returns its path.
    static func writeConfig(_ world: MigrationWorld) throws -> (config: String, catalog: String) {
        let catalog = world.directory.appendingPathComponent("catalog.sqlite").path
        let config = world.directory.appendingPathComponent("modelgate.yaml").path
        var names = SimulatedCloud.Names()
        names.mlflow = "mlflow-sim"  // as MigrationWorld names it
        try ("catalog: \(catalog)\nregistries:\n" + world.cloud.registriesYAML(names: names)).write(
            toFile: config, atomically: true, encoding: .utf8)
        return (config, catalog)
    }

    /// Starts `modelgate ARGS`, kills it with SIGKILL after `milliseconds` (if still running); returns whether it
    /// was killed, else its exit status. The waiting happens on a thread of its own: the simulators answering the
    /// child are served by this process's concurrency pool, which a blocked wait would starve.
    static func run(_ arguments: [String], environment: [String: String], killAfter milliseconds: Int?) async throws
        -> (killed: Bool, status: Int32)
    {
        try await offPool { try runBlocking(arguments, environment: environment, killAfter: milliseconds) }
    }

    /// Runs blocking work on a Dispatch thread and resumes with its result.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func runBlocking(_ arguments: [String], environment: [String: String], killAfter milliseconds: Int?) throws
        -> (killed: Bool, status: Int32)
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]) { a, _ in a }
        process.standardOutput = FileHandle.nullDevice
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mg-crash-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        if let milliseconds {
            let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
            while process.isRunning, Date() < deadline { usleep(2_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return (true, process.terminationStatus)
            }
        }
        process.waitUntilExit()
        return (false, process.terminationStatus)
    }

    static func slowDown(_ cloud: SimulatedCloud, by delay: Duration) {
        for injector in ReliabilityFaultTests.injectors(cloud).values {
            injector.plan = FaultPlan(slow: 1.0, slowDelay: delay, seed: 3)
        }
    }

    @Test func syncKilledAtRandomMomentsLeavesASoundCatalogThatConverges() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build modelgate first")
        try await MigrationWorld.with { world in
            let sizes = ReliabilityFaultTests.seed(world.cloud, models: 8, versions: 3)
            let truth = try CatalogDatabase.inMemory()
            try await world.sync(ReliabilityFaultTests.simulated, into: truth)
            let (config, catalogPath) = try Self.writeConfig(world)
            Self.slowDown(world.cloud, by: .milliseconds(25))
            // How long a whole sync takes here (a second one, over a catalog that already holds everything, is
            // the shortest), so that the kills land inside one.
            let scratch = world.directory.appendingPathComponent("timing.sqlite").path
            var duration = Int.max
            for _ in 0..<2 {
                let started = Date()
                _ = try await Self.run(
                    ["sync", "--config", config, "--catalog", scratch, "--full", "--quiet"],
                    environment: world.cloud.environment, killAfter: nil)
                duration = min(duration, max(Int(Date().timeIntervalSince(started) * 1000), 100))
            }
            var moments = Moments(state: 2026_11_27)
            var killed = 0
            var statuses: [String] = []
            for round in 0..<Self.kills {
                let at = duration / 10 + moments.next(upTo: duration * 7 / 10)
                let outcome = try await Self.run(
                    ["sync", "--config", config, "--full", "--quiet"], environment: world.cloud.environment, killAfter: at)
                if outcome.killed { killed += 1 }
                statuses.append("\(at) ms: \(outcome.killed ? "killed" : "exit \(outcome.status)")")
                let catalog = try CatalogDatabase.open(path: catalogPath)
                #expect(try await catalog.integrityCheck() == ["ok"], "after a kill at \(at) ms (round \(round))")
            }
            #expect(killed > 0, "at least one sync was killed mid-way: \(statuses)")
            Self.slowDown(world.cloud, by: .zero)
            let last = try await Self.run(["sync", "--config", config, "--full", "--quiet"], environment: world.cloud.environment, killAfter: nil)
            #expect(last.status == 0)
            let catalog = try CatalogDatabase.open(path: catalogPath)
            for registry in ReliabilityFaultTests.simulated {
                let versions = try await catalog.versions(VersionQuery(registry: registry, includeDeleted: true)).items
                #expect(versions.count == sizes[registry], "\(registry): no duplicate, no lost version")
                #expect(versions.allSatisfy { !$0.deleted }, "\(registry): nothing tombstoned by a killed listing")
                #expect(try await ReliabilityFaultTests.normalized(catalog, registry)
                    == ReliabilityFaultTests.normalized(truth, registry), "\(registry)")
            }
        }
    }

    @Test func migrateApplyKilledAtRandomMomentsEndsAsAnUninterruptedRun() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build modelgate first")
        let arguments = ["migrate", "apply", "--from", "vertex:model-0", "--to", "azureml", "--rename", "copy-0", "--quiet",
            "--artifact-map", "gs://b/=https://replica.example.com/"]
        // The uninterrupted run, in a world of its own.
        let expected = try await MigrationWorld.with { world in
            _ = ReliabilityFaultTests.seed(world.cloud, models: 1, versions: 8)
            let (config, _) = try Self.writeConfig(world)
            let done = try await Self.run(arguments + ["--config", config], environment: world.cloud.environment, killAfter: nil)
            #expect(done.status == 0)
            let azure = try world.adapter("azureml")
            return MigrationWorld.essentials(try #require(try await azure.snapshot(model: "copy-0")).versions, adapter: azure)
        }
        #expect(expected.count == 8)
        try await MigrationWorld.with { world in
            _ = ReliabilityFaultTests.seed(world.cloud, models: 1, versions: 8)
            let (config, catalogPath) = try Self.writeConfig(world)
            Self.slowDown(world.cloud, by: .milliseconds(15))
            var moments = Moments(state: 77)
            var killed = 0
            for round in 0..<Self.kills {
                // Eight creates of a few slowed requests each: the kills land among them.
                let at = 50 + moments.next(upTo: 1200)
                if try await Self.run(arguments + ["--config", config], environment: world.cloud.environment, killAfter: at).killed {
                    killed += 1
                }
                if FileManager.default.fileExists(atPath: catalogPath) {
                    let catalog = try CatalogDatabase.open(path: catalogPath)
                    #expect(try await catalog.integrityCheck() == ["ok"], "after a kill at \(at) ms (round \(round))")
                }
            }
            #expect(killed > 0, "at least one apply was killed mid-way")
            Self.slowDown(world.cloud, by: .zero)
            let finish = try await Self.run(arguments + ["--config", config], environment: world.cloud.environment, killAfter: nil)
            #expect(finish.status == 0)
            let azure = try world.adapter("azureml")
            let versions = try #require(try await azure.snapshot(model: "copy-0")).versions
            #expect(MigrationWorld.essentials(versions, adapter: azure) == expected)
        }
    }
}
