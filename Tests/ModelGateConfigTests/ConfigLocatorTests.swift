import Foundation
import ModelGateConfig
import Testing

/// A fresh directory tree per test, removed at the end.
private final class TempTree {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("modelgate-config-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes a minimal config naming `marker` as its only registry; returns the absolute path.
    @discardableResult
    func config(_ relative: String, marker: String, extra: String = "") throws -> String {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let yaml = "\(extra)registries:\n  - {name: \(marker), kind: sagemaker, region: us-east-1}\n"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func directory(_ relative: String) throws -> String {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

@Suite struct ConfigLocatorTests {
    @Test func lookupOrderIsOptionEnvironmentCurrentDirectoryThenUserConfig() throws {
        let tree = try TempTree()
        let home = try tree.directory("home")
        let cwd = try tree.directory("work")
        try tree.config("home/.config/modelgate/config.yaml", marker: "from-xdg-default")
        try tree.config("xdg/modelgate/config.yaml", marker: "from-xdg")
        try tree.config("work/modelgate.yaml", marker: "from-cwd")
        try tree.config("env.yaml", marker: "from-env")
        try tree.config("work/sub/explicit.yaml", marker: "from-option")

        var environment = ["HOME": home, "XDG_CONFIG_HOME": tree.root + "/xdg", "MODELGATE_CONFIG": tree.root + "/env.yaml"]
        func located(_ explicit: String?) throws -> (String?, ConfigLocator.Source?) {
            let locator = ConfigLocator(environment: environment, currentDirectory: cwd)
            let location = try locator.locateConfig(explicit: explicit)
            let config = try locator.loadConfig(explicit: explicit)
            return (config?.registries.first?.name, location?.source)
        }

        #expect(try located("sub/explicit.yaml") == ("from-option", .option))
        #expect(try located(nil) == ("from-env", .environment))
        environment["MODELGATE_CONFIG"] = ""
        #expect(try located(nil) == ("from-cwd", .currentDirectory))
        try FileManager.default.removeItem(atPath: cwd + "/modelgate.yaml")
        #expect(try located(nil) == ("from-xdg", .userConfig))
        environment["XDG_CONFIG_HOME"] = nil
        #expect(try located(nil) == ("from-xdg-default", .userConfig))
        environment["XDG_CONFIG_HOME"] = "relative/ignored"
        #expect(try located(nil) == ("from-xdg-default", .userConfig))
        try FileManager.default.removeItem(atPath: home + "/.config/modelgate/config.yaml")
        #expect(try located(nil) == (nil, nil))
        environment["HOME"] = nil
        #expect(try located(nil) == (nil, nil))
    }

    @Test func explicitFilesThatDoNotExistAreErrors() throws {
        let tree = try TempTree()
        let cwd = try tree.directory("work")
        try tree.config("work/modelgate.yaml", marker: "present")
        let locator = ConfigLocator(environment: ["HOME": tree.root], currentDirectory: cwd)
        let option = try #require(throws: ConfigError.self) { try locator.loadConfig(explicit: "missing.yaml") }
        #expect(option.code == .fileNotFound)
        #expect(option.description == "missing.yaml: config file not found (given with --config)")

        let viaEnv = ConfigLocator(environment: ["MODELGATE_CONFIG": "/nowhere/x.yaml"], currentDirectory: cwd)
        let env = try #require(throws: ConfigError.self) { try viaEnv.loadConfig(explicit: nil) }
        #expect(env.code == .fileNotFound)
        #expect(env.file == "/nowhere/x.yaml")
        #expect(env.message.contains("MODELGATE_CONFIG"))
    }

    @Test func loadReportsTheFilePathInErrors() throws {
        let tree = try TempTree()
        let path = tree.root + "/broken.yaml"
        try "registries:\n  - name: x\n    kind: nope\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigError.self) { try ModelGateConfig.load(path: path, environment: [:]) }
        #expect(error.description.hasPrefix("\(path):3: registries[0].kind: unknown kind 'nope'"))
        let directory = try #require(throws: ConfigError.self) {
            try ModelGateConfig.load(path: tree.root, environment: [:])
        }
        #expect(directory.code == .unreadableFile)
        try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: tree.root + "/binary.yaml"))
        let binary = try #require(throws: ConfigError.self) {
            try ModelGateConfig.load(path: tree.root + "/binary.yaml", environment: [:])
        }
        #expect(binary.code == .unreadableFile || binary.code == .invalidYAML)
    }

    @Test func catalogPathOrder() throws {
        let tree = try TempTree()
        let cwd = try tree.directory("work")
        let configPath = try tree.config("etc/modelgate.yaml", marker: "r", extra: "catalog: data/catalog.sqlite\n")
        let config = try ModelGateConfig.load(path: configPath, environment: [:])
        var environment = [
            "HOME": "/home/u", "XDG_DATA_HOME": "/xdg-data", "MODELGATE_CATALOG": "env/catalog.sqlite",
        ]
        func path(_ explicit: String?, _ config: ModelGateConfig?) throws -> String {
            try ConfigLocator(environment: environment, currentDirectory: cwd).catalogPath(explicit: explicit, config: config)
        }
        #expect(try path("opt.sqlite", config) == cwd + "/opt.sqlite")
        #expect(try path("/abs/opt.sqlite", config) == "/abs/opt.sqlite")
        #expect(try path(nil, config) == cwd + "/env/catalog.sqlite")
        environment["MODELGATE_CATALOG"] = nil
        #expect(try path(nil, config) == tree.root + "/etc/data/catalog.sqlite")
        #expect(try path(nil, nil) == "/xdg-data/modelgate/catalog.sqlite")
        environment["XDG_DATA_HOME"] = nil
        #expect(try path(nil, nil) == "/home/u/.local/share/modelgate/catalog.sqlite")
        environment["HOME"] = nil
        let error = try #require(throws: ConfigError.self) { try path(nil, nil) }
        #expect(error.key == "HOME")
    }

    @Test func catalogInTheConfigMayBeAbsoluteOrHomeRelative() throws {
        let absolute = try ModelGateConfig.parse(yaml: "catalog: /var/lib/mg.sqlite", file: "/etc/mg.yaml", environment: [:])
        let home = try ModelGateConfig.parse(yaml: "catalog: ~/mg.sqlite", file: "/etc/mg.yaml", environment: [:])
        let relativeFile = try ModelGateConfig.parse(yaml: "catalog: ./mg.sqlite", file: "modelgate.yaml", environment: [:])
        let locator = ConfigLocator(environment: ["HOME": "/home/u"], currentDirectory: "/work")
        #expect(try locator.catalogPath(explicit: nil, config: absolute) == "/var/lib/mg.sqlite")
        #expect(try locator.catalogPath(explicit: nil, config: home) == "/home/u/mg.sqlite")
        #expect(try locator.catalogPath(explicit: nil, config: relativeFile) == "/work/mg.sqlite")
        let noCatalog = try ModelGateConfig.parse(yaml: "sync: {concurrency: 2}", environment: [:])
        #expect(try locator.catalogPath(explicit: nil, config: noCatalog) == "/home/u/.local/share/modelgate/catalog.sqlite")
    }
}
