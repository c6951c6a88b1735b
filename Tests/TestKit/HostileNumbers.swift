import Foundation
import ModelGateCore
import ModelGateSimulators

// Issue 15 item 9: the hostile numbers every adapter's randomized decoder test feeds.

/// A seeded generator, so every run feeds the same numbers and a failure can be replayed: the simulators' SplitMix64.
public typealias SeededGenerator = SplitMix64

public enum HostileNumbers {
    /// Numbers that broke or could break a conversion: Int64 edges, seconds × 1000 overflow, year 10000, values
    /// past Int64 as doubles and strings, non-finite and fractional numbers, negative times.
    public static let fixed: [JSONValue] = [
        .int(.max), .int(.min), .int(.max / 1000 + 1), .int(-1), .int(0), .int(100_000_000_000_000_000),
        .int(253_402_300_800), .int(253_402_300_800_000), .int(-62_167_219_200_001),
        .double(9.3e18), .double(-9.3e18), .double(1e300), .double(-1e300), .double(.infinity), .double(-.infinity),
        .double(.nan), .double(1.5), .double(-0.5), .double(0.000_1), .double(1_795_707_138.285),
        .string("9223372036854775808"), .string("-9223372036854775809"), .string("1e400"), .string("NaN"),
        .string("Infinity"), .string("-Infinity"), .string("1.5"), .string("99999-01-01T00:00:00Z"),
    ]

    /// One hostile number: a fixed one, a random Int64, or a random double (any bit pattern: NaNs, subnormals).
    public static func random(using generator: inout SeededGenerator) -> JSONValue {
        switch generator.next() % 4 {
        case 0: return .int(Int64(bitPattern: generator.next()))
        case 1: return .double(Double(bitPattern: generator.next()))
        case 2: return .double(Double(Int64(bitPattern: generator.next())) * 1.5)
        default: return fixed[Int(generator.next() % UInt64(fixed.count))]
        }
    }

    /// `sample` with each leaf in turn replaced by every fixed hostile number and `randomPerLeaf` random ones.
    public static func variants(of sample: JSONValue, seed: UInt64, randomPerLeaf: Int = 24) -> [(path: String, json: JSONValue)] {
        var generator = SeededGenerator(seed: seed)
        var result: [(path: String, json: JSONValue)] = []
        for path in leafPaths(sample) {
            var values = fixed
            for _ in 0..<randomPerLeaf { values.append(random(using: &generator)) }
            for value in values { result.append((path.joined(separator: "."), replacing(sample, at: path[...], with: value))) }
        }
        return result
    }

    /// Whether `date` is one ModelGate can keep (years 0000–9999): what a decoder must give when it does not throw.
    public static func isKeepable(_ date: Date?) -> Bool {
        guard let date else { return true }
        let ms = date.timeIntervalSince1970 * 1000
        return ms.isFinite && ms >= Double(Timestamp.range.lowerBound) && ms <= Double(Timestamp.range.upperBound)
    }

    private static func leafPaths(_ value: JSONValue, prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let object):
            return object.keys.sorted().flatMap { leafPaths(object[$0] ?? .null, prefix: prefix + [$0]) }
        case .array(let items):
            return items.indices.flatMap { leafPaths(items[$0], prefix: prefix + ["\($0)"]) }
        default:
            return [prefix]
        }
    }

    private static func replacing(_ value: JSONValue, at path: ArraySlice<String>, with new: JSONValue) -> JSONValue {
        guard let head = path.first else { return new }
        switch value {
        case .object(var object):
            object[head] = replacing(object[head] ?? .null, at: path.dropFirst(), with: new)
            return .object(object)
        case .array(var items):
            guard let index = Int(head), items.indices.contains(index) else { return value }
            items[index] = replacing(items[index], at: path.dropFirst(), with: new)
            return .array(items)
        default:
            return value
        }
    }
}
