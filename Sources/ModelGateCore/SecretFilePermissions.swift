import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Warns, once per file and process, when a file holding secrets (the config, a service-account key, a client
/// certificate, the shared AWS credentials) can be read by its group or by others (issue 15 item 15).
///
/// The warning goes to stderr (`warning: FILE is readable by group/others (mode 0644); run chmod 600 FILE`); it never
/// stops anything, and it names the file, never its contents.
public enum SecretFilePermissions {
    private static let warned = Mutex<Set<String>>([])
    private static let sink = Mutex<@Sendable (String) -> Void>({ line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    })

    /// Checks `path` (what it holds: "config file", "service-account key", …) and warns when group or others may
    /// read it. Nothing happens for a file that does not exist or was already checked.
    public static func check(_ path: String, holding what: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let mode = info.st_mode & 0o777
        guard mode & 0o044 != 0 else { return }
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        guard warned.withLock({ $0.insert(key).inserted }) else { return }
        let readers = [mode & 0o040 != 0 ? "its group" : nil, mode & 0o004 != 0 ? "others" : nil].compactMap { $0 }
        let line =
            "warning: the \(what) \(path) is readable by \(readers.joined(separator: " and ")) "
            + "(mode \(String(mode, radix: 8))); run chmod 600 \(path)"
        sink.withLock { $0 }(line)
    }

    /// Sends warnings to `handler` instead of stderr (tests).
    public static func setWarningHandler(_ handler: @escaping @Sendable (String) -> Void) {
        sink.withLock { $0 = handler }
    }
}
