import Foundation

/// Why a bundle could not be written or read: a stable ``code`` for callers, and a ``description`` that
/// says what is wrong, in which file, and what to do about it.
public struct BundleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem; callers switch on it, people read ``BundleError/description``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case outputNotEmpty, outputUnusable, nothingToExport, writeFailed
            case notABundle, manifestInvalid, newerFormat, unsafePath, fileMissing, digestMismatch
            case invalidLine, inconsistent, mlflowExportInvalid
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `export --out` names a directory that already holds files.
        public static var outputNotEmpty: Self { Self(.outputNotEmpty) }
        /// `export --out` names a file, or a place where a directory cannot be made.
        public static var outputUnusable: Self { Self(.outputUnusable) }
        /// The filters match nothing in the catalog.
        public static var nothingToExport: Self { Self(.nothingToExport) }
        /// Writing the bundle failed part-way (nothing was left behind).
        public static var writeFailed: Self { Self(.writeFailed) }
        /// The directory is neither a ModelGate bundle nor an mlflow-export-import export.
        public static var notABundle: Self { Self(.notABundle) }
        /// `manifest.json` is missing fields or does not parse.
        public static var manifestInvalid: Self { Self(.manifestInvalid) }
        /// `format_version` is newer than this build knows.
        public static var newerFormat: Self { Self(.newerFormat) }
        /// A path in `files` leaves the bundle (absolute, `..`, or a symlink pointing outside).
        public static var unsafePath: Self { Self(.unsafePath) }
        /// A file the manifest lists is not there.
        public static var fileMissing: Self { Self(.fileMissing) }
        /// A file's SHA-256 is not the one the manifest records.
        public static var digestMismatch: Self { Self(.digestMismatch) }
        /// A JSON Lines line does not parse as the object it should hold.
        public static var invalidLine: Self { Self(.invalidLine) }
        /// The files disagree with each other or with the manifest (counts, unknown registry or model).
        public static var inconsistent: Self { Self(.inconsistent) }
        /// An mlflow-export-import file (`model.json`, `models.json`) does not parse or lacks what is needed.
        public static var mlflowExportInvalid: Self { Self(.mlflowExportInvalid) }

        /// The code's camelCase name (`digestMismatch`, `unsafePath`, …).
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The file at fault, relative to the bundle (`versions.jsonl`, `models/churn/model.json`), when there is one.
    public var file: String?
    /// What is wrong, where, and the fix.
    public var message: String

    /// - Parameters:
    ///   - code: the kind of problem.
    ///   - file: the file at fault, if any.
    ///   - message: a full sentence naming what is wrong and what to do.
    public init(_ code: Code, file: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    /// The message alone: it already names the file and the fix.
    public var description: String { message }
}
