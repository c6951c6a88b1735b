#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Safe reads of the files of a bundle someone else made (issue 15 item 16): no symlink anywhere (the bundle
/// directory, the manifest, a data file or a folder on its way), only regular files, opened without following
/// links and without blocking (a FIFO listed as a data file is refused, never waited on), and JSON Lines lines
/// no longer than ``maxLineBytes``.
enum BundleFile {
    /// The longest JSON Lines line read (16 MiB); a longer one is refused, naming the file and the line.
    static let maxLineBytes = 16 << 20

    /// What is at `path`, without following a symlink there.
    enum Kind { case missing, symlink, directory, regular, other }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: return .symlink
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        default: return .other
        }
    }

    /// Refuses `directory` when it is itself a symlink (checked before anything in it is read).
    static func checkBundleDirectory(_ directory: URL) throws {
        if kind(directory.path) == .symlink {
            throw BundleError(
                .unsafePath,
                "\(directory.path) is a symlink; pass the bundle directory itself (bundles are read without following links)")
        }
    }

    /// Checks each component of `relative` below `root` with `lstat`: none may be a symlink, the last must be a
    /// regular file.
    static func checkRegularFile(_ relative: String, root: URL) throws {
        var path = root.path
        let components = relative.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            path += (path.hasSuffix("/") ? "" : "/") + component
            let isLast = index == components.count - 1
            switch kind(path) {
            case .missing:
                throw BundleError(
                    .fileMissing, file: relative,
                    "\(relative) is listed in \(BundleManifest.fileName) but missing from \(root.path); the bundle is incomplete: copy all of it or export it again")
            case .symlink:
                throw BundleError(
                    .unsafePath, file: relative,
                    "\(relative) is a symlink\(isLast ? "" : " on its way (\(component))"); bundles hold only regular files, refusing the bundle")
            case .directory where isLast:
                throw BundleError(.fileMissing, file: relative, "\(relative) is a directory, not a file; the bundle is damaged")
            case .other:
                throw BundleError(
                    .unsafePath, file: relative,
                    "\(relative) is not a regular file (a FIFO, socket or device); refusing the bundle")
            case .regular where !isLast:
                throw BundleError(.fileMissing, file: relative, "\(relative): \(component) is a file, not a directory")
            case .directory, .regular:
                continue
            }
        }
    }

    /// Opens a regular file for reading: `O_NOFOLLOW` (a symlink swapped in after the check fails), `O_NONBLOCK`
    /// (a FIFO never blocks), and `fstat` on the open descriptor confirms a regular file.
    static func open(_ url: URL, file: String) throws -> FileHandle {
        #if canImport(Glibc)
        let descriptor = Glibc.open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        #else
        let descriptor = Darwin.open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        #endif
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symlink" : String(cString: strerror(errno))
            throw BundleError(
                errno == ELOOP ? .unsafePath : .fileMissing, file: file, "cannot open \(file): \(reason)")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw BundleError(
                .unsafePath, file: file, "\(file) is not a regular file (a FIFO, socket or device); refusing the bundle")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// The whole content of a regular file (checked as ``open(_:file:)`` does).
    static func contents(_ url: URL, file: String) throws -> Data {
        let handle = try open(url, file: file)
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw BundleError(.fileMissing, file: file, "cannot read \(file): \(error.localizedDescription)")
        }
    }
}
