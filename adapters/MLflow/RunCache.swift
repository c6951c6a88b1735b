import ModelGateCore

/// The outcome of reading a run for lineage: the run, or why it cannot be used (a per-object problem).
enum RunLookup: Sendable {
    case found(MLflowRun)
    /// Deleted for good, not readable with these credentials, or malformed: the versions naming it are
    /// still listed, with an `ObjectError` instead of the run's lineage and metrics.
    case unavailable(String)
}

/// Runs read during one listing, so each distinct run is fetched once even when many versions (of
/// several models, read in parallel) name it, and the models a listing already returned (MLflow's page
/// tokens are offsets: a model created mid-listing shifts the next page by one, repeating a model).
/// `listSnapshots` clears it when a listing starts and ends.
actor RunCache {
    private var entries: [String: Task<RunLookup, any Error>] = [:]
    private var listedModels: Set<String> = []

    func reset() {
        entries = [:]
        listedModels = []
    }

    /// Records `names` as listed; returns those no earlier page of this listing returned.
    func claimModels(_ names: [String]) -> Set<String> {
        var fresh: Set<String> = []
        for name in names where listedModels.insert(name).inserted { fresh.insert(name) }
        return fresh
    }

    func run(_ id: String, client: MLflowClient) async throws -> RunLookup {
        if let pending = entries[id] { return try await pending.value }
        let task = Task { try await Self.lookup(id, client: client) }
        entries[id] = task
        do {
            return try await task.value
        } catch {
            entries[id] = nil  // a transient failure is not remembered
            throw error
        }
    }

    /// Reads one run; a missing, forbidden or malformed run is `.unavailable`, other failures throw.
    static func lookup(_ id: String, client: MLflowClient) async throws -> RunLookup {
        do {
            return .found(try await client.getRun(id: id))
        } catch let error as RegistryError where [.notFound, .forbidden, .malformedPayload].contains(error.code) {
            return .unavailable(error.description)
        }
    }
}
