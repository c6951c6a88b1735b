import ModelGateCore

/// What reading one model of a listing gave. Adapters read a page's models concurrently and turn the outcomes
/// into a ``ListingPage`` with ``split(_:)``: a model that failed is named in the page's errors, the rest is kept.
public enum ModelOutcome: Sendable {
    case snapshot(ModelSnapshot)
    /// Deleted between the listing and the read: not part of the registry any more.
    case gone
    /// The model could not be read as a whole.
    case failed(ObjectError)

    /// The snapshots and the errors of `outcomes`, in order (models gone meanwhile are left out).
    public static func split(_ outcomes: [ModelOutcome]) -> (snapshots: [ModelSnapshot], errors: [ObjectError]) {
        var snapshots: [ModelSnapshot] = []
        var errors: [ObjectError] = []
        for outcome in outcomes {
            switch outcome {
            case .snapshot(let snapshot): snapshots.append(snapshot)
            case .gone: break
            case .failed(let error): errors.append(error)
            }
        }
        return (snapshots, errors)
    }

    /// The answer of ``RegistryAdapter/snapshot(model:)``: the snapshot, nil when the model is gone, and for a model
    /// that failed the error `failure` makes of it.
    public func snapshotOrNil(failure: (ObjectError) -> any Error) throws -> ModelSnapshot? {
        switch self {
        case .snapshot(let snapshot): return snapshot
        case .gone: return nil
        case .failed(let error): throw failure(error)
        }
    }
}
