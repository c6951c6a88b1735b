import Foundation
import ModelGateCore

/// One version to seed into the GitLab simulator.
public struct GitLabSeedVersion: Sendable, Hashable {
    /// The SemVer users see (`aliases[0]` on the wire); GitLab's internal id is assigned by the simulator.
    public var version: String
    public var description: String?
    /// Version metadata (`tags` on the wire).
    public var tags: [String: String]
    /// The candidate's eid (`run_id`); nil lets the simulator make one.
    public var runID: String?
    public var createdAt: Date?
    public var updatedAt: Date?

    public init(
        version: String, description: String? = nil, tags: [String: String] = [:], runID: String? = nil,
        createdAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.version = version
        self.description = description
        self.tags = tags
        self.runID = runID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One model to seed into the GitLab simulator.
public struct GitLabSeedModel: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// Model metadata (`tags` on the wire; the API cannot write them, so they can only be seeded).
    public var tags: [String: String]
    public var createdAt: Date?
    public var versions: [GitLabSeedVersion]

    public init(
        name: String, description: String? = nil, tags: [String: String] = [:], createdAt: Date? = nil,
        versions: [GitLabSeedVersion]
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.createdAt = createdAt
        self.versions = versions
    }
}

/// A stored `Ml::ModelVersion`. Times are Unix seconds, as GitLab sends them.
struct GitLabVersionRecord: Sendable {
    var id: Int
    var semver: String
    var description: String?
    var tags: [(key: String, value: String)]
    var runID: String
    var createdAt: Int64
    var updatedAt: Int64
}

/// A stored `Ml::Model`.
struct GitLabModelRecord: Sendable {
    var id: Int
    var name: String
    var description: String?
    var tags: [(key: String, value: String)]
    var createdAt: Int64
    var updatedAt: Int64
    var versions: [GitLabVersionRecord]
}

/// SemVer 2.0.0 parsing and ordering (the subset GitLab checks: `MAJOR.MINOR.PATCH[-PRE][+BUILD]`).
public struct GitLabSemVer: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var prerelease: [String]
    public var build: String?

    public init?(_ text: String) {
        var rest = Substring(text)
        if let plus = rest.firstIndex(of: "+") {
            let build = rest[rest.index(after: plus)...]
            guard !build.isEmpty, build.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(Self.isIdentifier)
            else { return nil }
            self.build = String(build)
            rest = rest[..<plus]
        } else {
            build = nil
        }
        if let dash = rest.firstIndex(of: "-") {
            let pre = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
            guard !pre.isEmpty, pre.allSatisfy(Self.isIdentifier) else { return nil }
            for part in pre where part.allSatisfy(\.isASCIIDigit) && part.count > 1 && part.first == "0" { return nil }
            prerelease = pre.map(String.init)
            rest = rest[..<dash]
        } else {
            prerelease = []
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3,
            core.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) && ($0.count == 1 || $0.first != "0") }),
            let major = Int(core[0]), let minor = Int(core[1]), let patch = Int(core[2])
        else { return nil }
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    static func isIdentifier(_ part: Substring) -> Bool {
        !part.isEmpty && part.allSatisfy { $0.isASCIIDigit || ($0.isASCII && $0.isLetter) || $0 == "-" }
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
            + (build.map { "+" + $0 } ?? "")
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true): return false
        case (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (Int(left), Int(right)) {
            case let (l?, r?): return l < r
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return left < right
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
