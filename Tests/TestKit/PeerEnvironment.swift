import Foundation
import Synchronization

/// The real peers `scripts/peers/*.sh` (and `make test`) start, as their `MODELGATE_TEST_*` variables announce
/// them. An unset or empty variable means the peer is not running. The one place tests read these variables.
///
/// ```swift
/// @Suite(.peerPresent(PeerEnvironment.available(.moto, for: "SageMakerMotoTests"), "moto (scripts/peers/moto.sh start DIR)"))
/// ```
public enum PeerEnvironment {
    /// A real peer a test may need.
    public enum Peer: Sendable, CaseIterable {
        /// The plain `mlflow server` (`MODELGATE_TEST_MLFLOW_URL`).
        case mlflow
        /// The `mlflow server` with basic auth (`MODELGATE_TEST_MLFLOW_AUTH_URL`, `_USER`, `_PASSWORD`).
        case mlflowAuth
        /// moto with SigV4 verification (`MODELGATE_TEST_MOTO_URL`, `MODELGATE_TEST_AWS_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`).
        case moto

        /// Whether every variable the peer needs is set.
        public var isRunning: Bool {
            switch self {
            case .mlflow: PeerEnvironment.mlflowURL != nil
            case .mlflowAuth:
                PeerEnvironment.mlflowAuthURL != nil && PeerEnvironment.mlflowAuthUser != nil
                    && PeerEnvironment.mlflowAuthPassword != nil
            case .moto:
                PeerEnvironment.motoURL != nil && PeerEnvironment.awsAccessKeyID != nil
                    && PeerEnvironment.awsSecretAccessKey != nil
            }
        }

        /// The peer, as a skip notice names it.
        public var label: String {
            switch self {
            case .mlflow: "real MLflow server"
            case .mlflowAuth: "real MLflow server with basic auth"
            case .moto: "real moto peer"
            }
        }

        /// Which variables are missing and how to start the peer.
        public var missing: String {
            switch self {
            case .mlflow:
                "MODELGATE_TEST_MLFLOW_URL is not set; run: eval \"$(bash scripts/peers/mlflow.sh start --with-auth DIR)\""
            case .mlflowAuth:
                "MODELGATE_TEST_MLFLOW_AUTH_URL/_USER/_PASSWORD are not set; "
                    + "run: eval \"$(bash scripts/peers/mlflow.sh start --with-auth DIR)\""
            case .moto:
                "MODELGATE_TEST_MOTO_URL/_AWS_ACCESS_KEY_ID/_AWS_SECRET_ACCESS_KEY are not set; "
                    + "run: eval \"$(bash scripts/peers/moto.sh start DIR)\""
            }
        }
    }

    /// `name`'s value, nil when unset or empty.
    public static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The plain MLflow server's base URL.
    public static let mlflowURL = value("MODELGATE_TEST_MLFLOW_URL")
    /// The basic-auth MLflow server's base URL.
    public static let mlflowAuthURL = value("MODELGATE_TEST_MLFLOW_AUTH_URL")
    /// The basic-auth MLflow server's admin user.
    public static let mlflowAuthUser = value("MODELGATE_TEST_MLFLOW_AUTH_USER")
    /// The basic-auth MLflow server's admin password (never printed).
    public static let mlflowAuthPassword = value("MODELGATE_TEST_MLFLOW_AUTH_PASSWORD")
    /// moto's base URL.
    public static let motoURL = value("MODELGATE_TEST_MOTO_URL")
    /// The access key ID of moto's IAM test user.
    public static let awsAccessKeyID = value("MODELGATE_TEST_AWS_ACCESS_KEY_ID")
    /// The secret access key of moto's IAM test user (never printed).
    public static let awsSecretAccessKey = value("MODELGATE_TEST_AWS_SECRET_ACCESS_KEY")

    /// Whether both the plain MLflow server and moto run (the cross-registry migrations need both).
    public static var mlflowAndMoto: Bool { Peer.mlflow.isRunning && Peer.moto.isRunning }

    private static let announced = Mutex<Set<String>>([])

    /// Whether `peer` runs; when it does not, prints once per suite
    /// `⚠️ SKIPPED <suite> (<peer>): <missing variables>; run: <how to start it>`.
    public static func available(_ peer: Peer, for suite: String) -> Bool {
        let running = peer.isRunning
        if !running, announced.withLock({ $0.insert(suite + "\u{0}" + peer.label).inserted }) {
            print("⚠️ SKIPPED \(suite) (\(peer.label)): \(peer.missing)")
        }
        return running
    }

    /// The plain MLflow server's port (for a proxy in front of it).
    public static func mlflowPort() throws -> UInt16 {
        guard let url = mlflowURL, let port = URLComponents(string: url)?.port, let value = UInt16(exactly: port) else {
            throw PeerEnvironmentError(message: "MODELGATE_TEST_MLFLOW_URL has no port: \(mlflowURL ?? "unset")")
        }
        return value
    }

    /// A fresh 8-character suffix, so tests sharing one peer (and reruns against it) never collide.
    public static func uniqueID() -> String { String(UUID().uuidString.prefix(8)).lowercased() }

    /// `prefix-` and a fresh suffix.
    public static func unique(_ prefix: String) -> String { "\(prefix)-\(uniqueID())" }
}

/// A peer variable that does not hold what the test needs.
public struct PeerEnvironmentError: Error, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    public var description: String { message }
}
