import Foundation
import ModelGateAdapterKit
import ModelGateCore
import ModelGateSigning

extension SageMakerAdapter {
    /// One page of the listing.
    ///
    /// Without `since` (or with `incrementalListing` off): one page of `ListModelPackageGroups` (`pageSize`
    /// groups, oldest first); each group becomes a snapshot with its tags (`ListTags`) and every versioned
    /// package (`ListModelPackages` with `ModelPackageType: Versioned`, all pages, then
    /// `DescribeModelPackage` each). Every such walk is complete.
    ///
    /// With `since` (Unix ms): `Search` for packages with `LastModifiedTime` or `CreationTime` at or after
    /// `since` minus 5 minutes (all pages), plus `ListModelPackageGroups` with `CreationTimeAfter`, gives the groups and
    /// packages to read; only those are described, about `pageSize` packages per page, each group in one
    /// snapshot holding only its changed versions. When `Search` refuses the expression (or the policy denies
    /// `sagemaker:Search`), returns a record that does not match it, or finds nothing while the same search
    /// from the epoch finds nothing either (moto answers every time-range filter with no hits), the listing
    /// falls back to the full one.
    ///
    /// Per-object problems are kept out of the page's failure: a malformed group is in `ListingPage.errors`,
    /// a malformed package in its snapshot's `errors`; a group or package deleted between the listing and
    /// the read is left out. A group or package whose calls keep failing after the retries (429, 5xx, resets)
    /// is a per-object error too, counted as unreadable (the next sync reads it again). A failed listing call
    /// (`ListModelPackageGroups`, `Search`) or a refusal of the credentials throws `RegistryError` for the page.
    public func listSnapshots(cursor: String?, since: Int64?) async throws -> ListingPage {
        let observedAt = now()
        switch try ListingCursor(cursor, registry: registry) {
        case nil:
            if let since, incrementalListing, let plan = try await changePlan(since: since) {
                return try await changesPage(plan, observedAt: observedAt)
            }
            return try await groupsPage(token: nil, observedAt: observedAt)
        case .groups(let token)?:
            return try await groupsPage(token: token, observedAt: observedAt)
        case .changes(let plan)?:
            return try await changesPage(plan, observedAt: observedAt)
        }
    }

    // MARK: Full listing

    func groupsPage(token: String?, observedAt: Date) async throws -> ListingPage {
        let page = try await client.listModelPackageGroups(maxResults: pageSize, nextToken: token)
        if let next = page.nextToken, next == token {
            throw client.malformed("ListModelPackageGroups", "SageMaker returned the same NextToken twice")
        }
        var errors: [ObjectError] = []
        var groups: [SageMakerModelPackageGroup] = []
        var seen: Set<String> = []
        for item in page.items {
            do {
                let group = try SageMakerModelPackageGroup(json: item)
                if seen.insert(group.name).inserted { groups.append(group) }
            } catch {
                errors.append(
                    ObjectError(
                        model: item["ModelPackageGroupName"]?.stringValue, version: nil,
                        message: "malformed model package group: \(error)"))
            }
        }
        let outcomes = try await orderedConcurrentMap(groups, limit: concurrency) { group in
            try await snapshot(of: group, only: nil, observedAt: observedAt)
        }
        return ListingPage(
            outcomes: outcomes, next: page.nextToken.map { ListingCursor.groups($0).encoded }, errors: errors,
            enumeratesEverything: true)
    }

    enum PackageOutcome: Sendable {
        case package(SageMakerModelPackage)
        case gone
        case failed(ObjectError)
        /// Its `DescribeModelPackage` kept failing after the retries.
        case unreadable(ObjectError)
    }

    /// One group as a snapshot: its tags and its packages (every versioned one, or only the ARNs in `only`).
    func snapshot(of group: SageMakerModelPackageGroup, only: [String]?, observedAt: Date) async throws -> ModelOutcome
    {
        guard let arn = group.arn else {
            return .failed(
                ObjectError(model: group.name, version: nil, message: "the group has no ModelPackageGroupArn"))
        }
        let tags: [String: String]
        do {
            tags = try await client.listTags(arn: arn)
        } catch {
            return try ModelOutcome.after(error, model: group.name)
        }

        var errors: [ObjectError] = []
        var targets: [String] = []
        if let only {
            targets = only
        } else {
            let items: [JSONValue]
            do {
                items = try await client.allModelPackages(group: group.name, pageSize: pageSize)
            } catch {
                return try ModelOutcome.after(error, model: group.name)
            }
            for item in items {
                do {
                    let summary = try SageMakerModelPackageSummary(json: item)
                    if let other = summary.groupName, other != group.name { continue }  // not this group's
                    targets.append(summary.arn)
                } catch {
                    errors.append(
                        ObjectError(
                            model: group.name, version: SageMakerModelPackageSummary.versionHint(item),
                            message: "malformed model package summary: \(error)"))
                }
            }
        }

        let client = self.client
        let groupName = group.name
        let outcomes = try await orderedConcurrentMap(targets, limit: concurrency) { arn -> PackageOutcome in
            do {
                return .package(try await client.describeModelPackage(name: arn))
            } catch {
                // One package that keeps failing is this package's error; the group's other versions are kept.
                let version = SageMakerMapping.packageReference(arn: arn)?.version
                switch try ObjectReadFailure.classify(error) {
                case .gone: return .gone
                case .malformed(let message): return .failed(ObjectError(model: groupName, version: version, message: message))
                case .unreadable(let message):
                    return .unreadable(ObjectError(model: groupName, version: version, message: message))
                }
            }
        }
        var packages: [SageMakerModelPackage] = []
        var versionsSeen: Set<Int64> = []
        var unreadable = 0
        for outcome in outcomes {
            switch outcome {
            case .package(let wire):
                guard wire.groupName == group.name else {
                    errors.append(
                        ObjectError(
                            model: group.name, version: String(wire.version),
                            message: "DescribeModelPackage of \(wire.arn) answered for group '\(wire.groupName)'"))
                    continue
                }
                if versionsSeen.insert(wire.version).inserted { packages.append(wire) }
            case .gone: break
            case .failed(let error): errors.append(error)
            case .unreadable(let error):
                errors.append(error)
                unreadable += 1
            }
        }
        packages.sort { $0.version < $1.version }
        var lineage: [LineageEdge] = []
        for wire in packages { lineage += SageMakerMapping.edges(wire, registry: registry, observedAt: observedAt) }
        return .snapshot(
            ModelSnapshot(
                model: SageMakerMapping.model(group, tags: tags, registry: registry),
                versions: packages.map { SageMakerMapping.version($0, registry: registry) }, lineage: lineage,
                errors: errors, unreadable: unreadable))
    }

    // MARK: Incremental listing

    /// How far before the watermark the incremental `Search` starts (ms): 5 minutes.
    static var searchOverlap: Int64 { 300_000 }

    /// What changed since `since`: groups (by name) with the ARNs of their new or modified packages, or nil
    /// when `Search` cannot be trusted to answer (the caller then lists everything).
    func changePlan(since: Int64) async throws -> ChangePlan? {
        // Search reads an index that may trail the writes: ask from `searchOverlap` before the watermark, so a
        // change indexed late is still found (re-reading a few unchanged packages costs a describe each).
        // The watermark is clamped into the timestamps a request can carry, so neither the subtraction nor the
        // seconds sent below can overflow.
        let earliest = min(max(since, Timestamp.range.lowerBound + Self.searchOverlap), Timestamp.range.upperBound)
            - Self.searchOverlap
        let sinceDate = Timestamp.date(milliseconds: earliest)
        var packages: [String: [(version: Int64, arn: String)]] = [:]
        var seenARNs: Set<String> = []
        var tokens: Set<String> = []
        var token: String?
        repeat {
            try Task.checkCancellation()
            let page: SageMakerClient.Page
            do {
                page = try await client.searchModelPackages(
                    changedSince: sinceDate, maxResults: pageSize, nextToken: token)
            } catch let error as RegistryError where error.code == .invalidRequest || error.code == .forbidden {
                return nil  // Search refuses the expression or is not allowed: list everything
            }
            for item in page.items {
                guard let record = item["ModelPackage"] else { continue }
                guard let arn = record["ModelPackageArn"]?.stringValue, !arn.isEmpty,
                    let group = record["ModelPackageGroupName"]?.stringValue, !group.isEmpty,
                    let version = record["ModelPackageVersion"]?.int64Value
                else { continue }  // an unversioned package: not part of any model
                let modified = Self.milliseconds(record["LastModifiedTime"])
                let created = Self.milliseconds(record["CreationTime"])
                if modified != nil || created != nil {
                    let latest = max(modified ?? Int64.min, created ?? Int64.min)
                    guard latest >= earliest else { return nil }  // the filter was ignored
                }
                if seenARNs.insert(arn).inserted { packages[group, default: []].append((version, arn)) }
            }
            token = try client.nextToken(page, seen: &tokens, operation: "Search")
        } while token != nil

        if packages.isEmpty {
            // Nothing changed, or a Search that ignores time filters: the same search from the epoch tells.
            let probe: SageMakerClient.Page
            do {
                probe = try await client.searchModelPackages(
                    changedSince: Date(timeIntervalSince1970: 0), maxResults: 1)
            } catch let error as RegistryError where error.code == .invalidRequest || error.code == .forbidden {
                return nil
            }
            // An empty answer: an empty registry (a full listing is then one call) or an ignored filter.
            if probe.items.isEmpty { return nil }
        }

        var groups = packages
        var groupTokens: Set<String> = []
        var groupToken: String?
        repeat {
            try Task.checkCancellation()
            let page = try await client.listModelPackageGroups(
                maxResults: pageSize, nextToken: groupToken,
                createdAfter: Date(timeIntervalSince1970: Double(earliest) / 1000))
            for item in page.items {
                if let name = item["ModelPackageGroupName"]?.stringValue, !name.isEmpty, groups[name] == nil {
                    groups[name] = []
                }
            }
            groupToken = try client.nextToken(page, seen: &groupTokens, operation: "ListModelPackageGroups")
        } while groupToken != nil

        return ChangePlan(
            groups: groups.keys.sorted().map { name in
                ChangePlan.Group(name: name, arns: (groups[name] ?? []).sorted { $0.version < $1.version }.map(\.arn))
            })
    }

    /// The next groups of `plan` (whole groups, about `pageSize` packages) as snapshots of their changed packages.
    func changesPage(_ plan: ChangePlan, observedAt: Date) async throws -> ListingPage {
        var taken: [ChangePlan.Group] = []
        var count = 0
        for group in plan.groups {
            if !taken.isEmpty, count + group.arns.count > pageSize { break }
            taken.append(group)
            count += group.arns.count
        }
        let rest = Array(plan.groups.dropFirst(taken.count))
        let client = self.client
        let outcomes = try await orderedConcurrentMap(taken, limit: concurrency) { entry -> ModelOutcome in
            let group: SageMakerModelPackageGroup
            do {
                group = try await client.describeModelPackageGroup(name: entry.name)
            } catch {
                return try ModelOutcome.after(error, model: entry.name)
            }
            return try await snapshot(of: group, only: entry.arns, observedAt: observedAt)
        }
        let next = rest.isEmpty ? nil : ListingCursor.changes(ChangePlan(groups: rest)).encoded
        return ListingPage(outcomes: outcomes, next: next)
    }

    /// A `Search` record's epoch seconds (or RFC 3339 text) as milliseconds; nil when absent, unreadable, not
    /// finite or outside ``Timestamp/range`` (never a trap: seconds × 1000 is checked).
    static func milliseconds(_ value: JSONValue?) -> Int64? {
        switch value {
        case .int(let seconds)?: return Timestamp.checkedMilliseconds(seconds: seconds)
        case .double(let seconds)?: return Timestamp.checkedMilliseconds(seconds: seconds)
        case .string(let text)?:
            if let seconds = Double(text) { return Timestamp.checkedMilliseconds(seconds: seconds) }
            return Timestamp.parseMilliseconds(text)
        default: return nil
        }
    }
}

/// The work left of an incremental listing: groups (sorted by name) and the ARNs of their changed packages.
struct ChangePlan: Sendable, Hashable {
    struct Group: Sendable, Hashable {
        var name: String
        var arns: [String]
    }
    var groups: [Group]
}

/// The opaque cursor of `listSnapshots`: `groups:<NextToken>` in a full listing, `changes:<base64url JSON>`
/// (the rest of the ``ChangePlan``) in an incremental one.
enum ListingCursor: Sendable, Hashable {
    case groups(String)
    case changes(ChangePlan)

    /// Nil for nil or empty text (a listing's start).
    init?(_ text: String?, registry: String) throws {
        guard let text, !text.isEmpty else { return nil }
        if text.hasPrefix("groups:") {
            self = .groups(String(text.dropFirst("groups:".count)))
            return
        }
        if text.hasPrefix("changes:"), let bytes = Base64URL.decode(String(text.dropFirst("changes:".count))),
            let json = try? JSONValue.parse(Data(bytes)), let items = json.arrayValue
        {
            var groups: [ChangePlan.Group] = []
            for item in items {
                guard let name = item["group"]?.stringValue, let arns = item["arns"]?.arrayValue else { break }
                groups.append(ChangePlan.Group(name: name, arns: arns.compactMap(\.stringValue)))
            }
            if groups.count == items.count {
                self = .changes(ChangePlan(groups: groups))
                return
            }
        }
        throw RegistryError(
            code: .invalidRequest, registry: registry, operation: "list model packages",
            message: "'\(text.prefix(40))' is not a listing cursor of the SageMaker adapter")
    }

    var encoded: String {
        switch self {
        case .groups(let token): return "groups:" + token
        case .changes(let plan):
            let json = JSONValue.array(
                plan.groups.map { ["group": .string($0.name), "arns": .array($0.arns.map(JSONValue.string))] })
            return "changes:" + Base64URL.encode(json.jsonString())
        }
    }
}
