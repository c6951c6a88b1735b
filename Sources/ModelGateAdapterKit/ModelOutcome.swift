import ModelGateCore

/// What reading one model of a listing gave. Adapters read a page's models concurrently and turn the outcomes
/// into a ``ListingPage`` with ``ListingPage/init(outcomes:next:errors:enumeratesEverything:)``: a model that
/// failed is named in the page's errors, the rest is kept.
public enum ModelOutcome: Sendable {
    case snapshot(ModelSnapshot)
    /// Deleted between the listing and the read: not part of the registry any more.
    case gone
    /// The model could not be read as a whole.
    case failed(ObjectError)
    /// The model's calls kept failing after the retries (throttled, 5xx, reset, timed out): a per-object error
    /// that the next sync reads again. The listing is then not complete and the watermark does not move.
    case unreadable(ObjectError)

    /// What a per-model or per-version call's failure makes of the object, or the error itself rethrown when it
    /// must fail the whole registry (see ``ObjectReadFailure/classify(_:)``).
    ///
    /// - Parameters:
    ///   - error: what the call threw.
    ///   - model: the model the call was for (named in the per-object error).
    public static func after(_ error: any Error, model: String?) throws -> ModelOutcome {
        switch try ObjectReadFailure.classify(error) {
        case .gone: return .gone
        case .malformed(let message): return .failed(ObjectError(model: model, version: nil, message: message))
        case .unreadable(let message): return .unreadable(ObjectError(model: model, version: nil, message: message))
        }
    }

    /// The snapshots and the errors of `outcomes`, in order (models gone meanwhile are left out).
    public static func split(_ outcomes: [ModelOutcome]) -> (snapshots: [ModelSnapshot], errors: [ObjectError]) {
        var snapshots: [ModelSnapshot] = []
        var errors: [ObjectError] = []
        for outcome in outcomes {
            switch outcome {
            case .snapshot(let snapshot): snapshots.append(snapshot)
            case .gone: break
            case .failed(let error), .unreadable(let error): errors.append(error)
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
        case .failed(let error), .unreadable(let error): throw failure(error)
        }
    }
}

/// How the failure of a call made for one object (a model, a version, a run) counts in a listing.
///
/// One object whose calls keep failing after the transport's retries must not fail the whole registry: it is a
/// per-object error and the rest of the registry commits. But a refusal of the credentials (401, 403, no
/// credentials), a configuration error or a cancellation is the registry's problem and is rethrown.
public enum ObjectReadFailure: Sendable, Hashable {
    /// The object was deleted between the listing and the read (404).
    case gone
    /// The registry answered with something that cannot be read as this object (a per-object error).
    case malformed(String)
    /// The object's calls kept failing after the retries (429, 5xx, reset, timeout): a per-object error the
    /// next sync retries.
    case unreadable(String)

    /// What `error`, thrown by a per-object call, means for the listing; rethrows it when it fails the registry.
    public static func classify(_ error: any Error) throws -> ObjectReadFailure {
        guard let failure = error as? RegistryError else { throw error }
        switch failure.code {
        case .notFound: return .gone
        case .malformedPayload, .tooLarge, .invalidRequest, .conflict: return .malformed(failure.description)
        case .rateLimited, .serverError, .timeout, .transport, .redirectLimit: return .unreadable(failure.description)
        default: throw error  // unauthorized, forbidden, credentials, configuration, cancelled
        }
    }
}
